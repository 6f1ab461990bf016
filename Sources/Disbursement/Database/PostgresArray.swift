/// A text[] parameter, in PostgreSQL's array literal syntax with every element quoted.
public struct PostgresArray: PostgresEncodable {
    public let elements: [String]
    public init(_ elements: [String]) { self.elements = elements }
    public var postgresText: String {
        let quoted = elements.map { element in
            "\"" + element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}
