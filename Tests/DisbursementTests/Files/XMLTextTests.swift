import Testing

@testable import Disbursement

@Suite("XML and CSV escaping")
struct XMLTextTests {
    @Test func markupIsEscapedAndForbiddenCharactersDropped() {
        #expect(XMLText.escape("Nur'aini & <Sons> \"Co\"") == "Nur&apos;aini &amp; &lt;Sons&gt; &quot;Co&quot;")
        #expect(XMLText.escape("a\u{0}b\u{1F}c\u{FFFE}d") == "abcd")
        #expect(XMLText.escape("line\nbreak\ttab") == "line break tab")
    }

    @Test func longTextIsCutOnACharacterBoundary() {
        let name = String(repeating: "é", count: 100) + String(repeating: "e\u{301}", count: 100)
        let cut = XMLText.escape(name, maxLength: 140)
        #expect(cut.unicodeScalars.count <= 140)
        #expect(cut.hasPrefix(String(repeating: "é", count: 100)))
        // Each decomposed é is two scalars: 20 of them fit, never half of one.
        #expect(cut.unicodeScalars.count == 140)
        #expect(cut.unicodeScalars.last == "\u{301}")
    }

    @Test func csvQuotesAndNeutralisesFormulas() {
        #expect(CSVField.quote("plain") == "plain")
        #expect(CSVField.quote("a,b") == "\"a,b\"")
        #expect(CSVField.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVField.quote("two\nlines") == "\"two\nlines\"")
        #expect(CSVField.quote("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVField.quote("+1+cmd") == "'+1+cmd")
        #expect(CSVField.quote("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVField.quote("-5") == "-5")
        #expect(CSVField.quote("+62 812", neutralize: false) == "+62 812")
    }
}
