/// One row of a report as a type: the report builds these from its query, the renderers
/// (`ReportTable`: table, csv, json, html) turn them into text, and a reader such as the
/// finance page takes a value by its name, never by its position among the cells.
public protocol ReportRow: Sendable {
    /// The columns' names, as the CSV header and the JSON keys print them.
    static var columns: [String] { get }
    /// The row's cells, in the order of `columns`.
    var cells: [ReportTable.Cell] { get }
}
