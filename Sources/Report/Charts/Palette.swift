/// Series styles that survive grey-scale printing and colour blindness: the Okabe-Ito colours, each
/// paired with its own dash pattern and marker shape.
enum Palette {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    static let dashes = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 4", "12 2"]
    enum Marker { case circle, square, triangle, diamond, triangleDown, ring }
    static let markers: [Marker] = [.circle, .square, .triangle, .diamond, .triangleDown, .ring]

    static func color(_ index: Int) -> String { colors[index % colors.count] }
    static func dash(_ index: Int) -> String { dashes[index % dashes.count] }
    static func marker(_ index: Int) -> Marker { markers[index % markers.count] }
}
