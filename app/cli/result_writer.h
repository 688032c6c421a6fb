#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace parkatlas::geo {
class JsonWriter;
struct Ledger;
} // namespace parkatlas::geo

namespace parkatlas::cli {

class CommandLine;

/// The formats a command's result can be written in (--format).
enum class ResultFormat { Table, Csv, Json, Xlsx };

/// What a command can write its result as: table, CSV and JSON always; XLSX when the command
/// offers it (a workbook needs --out).
enum class ResultFormats { TableCsvJson, WithXlsx };

/// How each format of one result is written; a command fills in those it offers.
struct ResultParts {
    // (The "= {}" lets a command name only the parts it has without a warning.)
    std::function<void(std::ostream&)> table = {};
    std::function<void(std::ostream&)> csv = {}; // UTF-8 with BOM
    std::function<void(geo::JsonWriter&)> json = {};
    std::function<void(const std::string& path)> xlsx = {}; // the workbook, at --out
};

/// The one place a command's result is written in the format the user chose: declares --format
/// (same help text everywhere), reads and checks it, and writes the result to stdout or, for a
/// command with --out, atomically to that file (geo/io/atomic_file.h). JSON ends with one newline.
class ResultWriter {
public:
    explicit ResultWriter(ResultFormat format) : m_format(format) {}

    /// Declares --format F on `cli`.
    static void addFormatOption(CommandLine& cli,
                                ResultFormats formats = ResultFormats::TableCsvJson);
    /// The writer for --format (default table) and `out` ("": stdout). Throws UsageError for a
    /// format the command does not offer, and for xlsx without `out`.
    static ResultWriter fromCommandLine(const CommandLine& cli,
                                        ResultFormats formats = ResultFormats::TableCsvJson,
                                        std::string out = {});

    ResultFormat format() const { return m_format; }

    /// Writes the result in the chosen format with the part for it.
    void write(const ResultParts& parts) const;

private:
    ResultFormat m_format;
    std::string m_out;
};

/// The parts of a ledger-shaped result (a 台账, the work summary): geo's text table, CSV, JSON and
/// XLSX writers; `wroteWorkbook` then says on stderr what went into the workbook (it is given the
/// number of sheets written: a table past XLSX's row limit continues on further sheets).
ResultParts ledgerParts(const geo::Ledger& ledger,
                        std::function<void(std::size_t sheets)> wroteWorkbook);

} // namespace parkatlas::cli
