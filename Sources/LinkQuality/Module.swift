// LinkQuality: pure judgements of a link's quality from measured figures, no I/O and no configuration files.
//
// - Loss/: the Wilson score interval of a loss ratio and the sliding-window loss judgement that alerting uses
//   (raise only when the interval lies wholly above the raise level, clear only when wholly below the clear level).
// - CallQuality/: the ITU-T G.107 E-model (transmission rating R and MOS) with G.113 Appendix I codec values and a
//   jitter-buffer model, for the "will a meeting work here" score per commune (and, once STAMP rounds carry them,
//   per direction).
