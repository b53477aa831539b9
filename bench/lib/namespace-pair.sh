# Sourced by the benchmarks that need a link of their own: two network namespaces, $NS-s (the sender, 198.18.0.1)
# and $NS-t (the target, 198.18.0.2), joined by one veth pair, with no route out. `ns_pair_up` removes the
# namespaces of dead earlier runs (named nmb-PID-…), creates the pair and checks it with one ping;
# `ns_pair_down` kills what still runs inside them and removes them (call it from the script's EXIT trap). Needs
# root and iproute2.
NS=nmb-$$

ns_pair_down() {
    local ns pid
    for ns in "$NS-s" "$NS-t"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
}

ns_pair_up() {
    local ns pid n
    for ns in $(ip netns list | awk '{print $1}' | grep '^nmb-' || true); do
        pid=${ns#nmb-}; pid=${pid%%-*}
        kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null || true
    done
    ip netns add "$NS-s"
    ip netns add "$NS-t"
    ip -n "$NS-s" link add v0 type veth peer name v1 netns "$NS-t"
    ip -n "$NS-s" addr add 198.18.0.1/24 dev v0
    ip -n "$NS-t" addr add 198.18.0.2/24 dev v1
    for n in s t; do ip -n "$NS-$n" link set lo up; done
    ip -n "$NS-s" link set v0 up
    ip -n "$NS-t" link set v1 up
    ip netns exec "$NS-s" ping -c 1 -W 2 198.18.0.2 > /dev/null
}
