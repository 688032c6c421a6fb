#include "app/cli/result_writer.h"

#include "app/cli/command_line.h"

#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/ledger/ledger_table.h"

#include <iostream>

namespace parkatlas::cli {

void ResultWriter::addFormatOption(CommandLine& cli, ResultFormats formats)
{
    cli.addOption("format", "F",
                  formats == ResultFormats::WithXlsx
                      ? "table (default), csv (UTF-8 with BOM), xlsx (needs --out) or json"
                      : "table (default), csv (UTF-8 with BOM) or json");
}

ResultWriter ResultWriter::fromCommandLine(const CommandLine& cli, ResultFormats formats,
                                           std::string out)
{
    const bool xlsx = formats == ResultFormats::WithXlsx;
    const std::string name = cli.value("format", "table");
    ResultWriter writer(ResultFormat::Table);
    if (name == "table")
        writer.m_format = ResultFormat::Table;
    else if (name == "csv")
        writer.m_format = ResultFormat::Csv;
    else if (name == "json")
        writer.m_format = ResultFormat::Json;
    else if (name == "xlsx" && xlsx)
        writer.m_format = ResultFormat::Xlsx;
    else
        throw UsageError(xlsx ? "--format must be table, csv, xlsx or json"
                              : "--format must be table, csv or json");
    if (writer.m_format == ResultFormat::Xlsx && out.empty())
        throw UsageError("--format xlsx needs --out FILE.xlsx (a workbook is not written to a "
                         "terminal)");
    writer.m_out = std::move(out);
    return writer;
}

void ResultWriter::write(const ResultParts& parts) const
{
    if (m_format == ResultFormat::Xlsx) {
        parts.xlsx(m_out);
        return;
    }
    auto write = [&](std::ostream& stream) {
        switch (m_format) {
        case ResultFormat::Json: {
            geo::JsonWriter json(stream); // ends the document with a newline
            parts.json(json);
            break;
        }
        case ResultFormat::Csv:
            parts.csv(stream);
            break;
        default:
            parts.table(stream);
            break;
        }
    };
    if (m_out.empty())
        write(std::cout);
    else
        geo::writeFileAtomically(m_out, write);
}

ResultParts ledgerParts(const geo::Ledger& ledger,
                        std::function<void(std::size_t sheets)> wroteWorkbook)
{
    return {
        .table = [&ledger](std::ostream& out) { geo::writeLedgerText(out, ledger); },
        .csv = [&ledger](std::ostream& out) { geo::writeLedgerCsv(out, ledger); },
        .json = [&ledger](geo::JsonWriter& json) { geo::writeLedgerJson(json, ledger); },
        .xlsx = [&ledger, wroteWorkbook = std::move(wroteWorkbook)](
                    const std::string& path) { wroteWorkbook(geo::writeLedgerXlsx(path, ledger)); },
    };
}

} // namespace parkatlas::cli
