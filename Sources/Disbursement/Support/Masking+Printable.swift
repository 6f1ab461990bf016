extension Masking {
    /// Text from the registry echoed on one line (a warning, an error, a report cell): control
    /// and direction characters become `?`, it is cut at 80 characters, and long digit runs
    /// keep only their last 4.
    public static func printable(_ text: String) -> String {
        let visible = String(String.UnicodeScalarView(text.unicodeScalars.map {
            switch $0.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: "?"
            default: $0
            }
        }))
        return digitRuns(String(visible.prefix(80)))
    }
}
