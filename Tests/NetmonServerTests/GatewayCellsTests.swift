import CoverageModel
import Testing

@testable import NetmonServer

/// The cells layer marked with gateway reports, in one pass over the layer's bytes.
@Suite("Gateway cells in the cells layer")
struct GatewayCellsTests {
    @Test("each feature gets gateway and gateway_reports after its h3; the rest of the layer is unchanged")
    func mark() {
        var cells = GatewayCells(resolution: 8)
        let position = LatLng(lat: 20.85, lng: 106.05)
        let cell = H3.latLngToCell(position, resolution: 8).description
        for _ in 0..<2 {
            cells.add(SignalReport(lat: 20.85, lon: 106.05, technology: .fourG, device: "gateway:11953"))
        }
        cells.add(SignalReport(lat: 20.85, lon: 106.05, technology: .fourG, device: "phone-1"))
        let layer =
            #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"h3":"\#(cell)","x":1}},"#
            + #"{"type":"Feature","properties":{"h3":"88000000000ffff","x":2}}],"bbox":[1,2,3,4]}"#
        let marked = cells.mark(layer)
        #expect(
            marked
                == #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"h3":"\#(cell)","gateway":true,"gateway_reports":2,"x":1}},"#
                + #"{"type":"Feature","properties":{"h3":"88000000000ffff","gateway":false,"gateway_reports":0,"x":2}}],"bbox":[1,2,3,4]}"#
        )
        #expect(cells.total == 2)
        #expect(cells.mark("") == "")
        #expect(cells.mark(#"{"properties":{"h3":"unterminated"#) == #"{"properties":{"h3":"unterminated"#)
    }
}
