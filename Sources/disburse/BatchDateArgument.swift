import ArgumentParser
import Disbursement

/// The batch that `approve` and `reject` look at or decide.
struct BatchDateArgument: ParsableArguments {
    @Argument(help: "The batch's business date, YYYY-MM-DD.")
    var date: String

    func validate() throws {
        if BusinessDate(date) == nil { throw ValidationError("DATE must be a real calendar day written YYYY-MM-DD, like 2020-06-01.") }
    }
}
