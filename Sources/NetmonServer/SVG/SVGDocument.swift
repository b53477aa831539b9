/// The opening every server-rendered graph shares: the `<svg>` element with its size and accessible name, the
/// title, a white background and the bold heading at `headingX`.
enum SVGDocument {
    static func opening(width: Int, height: Int, title: String, headingX: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
        font-family="sans-serif" font-size="11" role="img" aria-label="\(xml(title))">
        <title>\(xml(title))</title>
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
        <text x="\(headingX)" y="16" font-size="13" font-weight="bold">\(xml(title))</text>

        """
    }
}
