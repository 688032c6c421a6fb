#include "app/cli/result_writer.h"

#include "app/cli/command_line.h"

#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/ledger/ledger_table.h"

#include <cstdio>
#include <iostream>
#include <streambuf>
#include <vector>

namespace parkatlas::cli {

namespace {

/// Standard output in blocks of 64 KB. std::cout, kept in step with C's stdio, takes stdout's
/// lock and a call for every piece a writer puts out (each key, quote and number of a JSON of
/// a hundred thousand findings): a third of the writing's time at 1M plots.
class StdoutBlocks final : public std::streambuf {
public:
    StdoutBlocks() : m_buffer(1 << 16) { setp(m_buffer.data(), m_buffer.data() + m_buffer.size()); }
    StdoutBlocks(const StdoutBlocks&) = delete;
    StdoutBlocks& operator=(const StdoutBlocks&) = delete;
    ~StdoutBlocks() override { sync(); }

protected:
    int_type overflow(int_type c) override
    {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() && std::fflush(stdout) == 0 ? 0 : -1; }

private:
    bool drain()
    {
        const std::size_t size = static_cast<std::size_t>(pptr() - pbase());
        const bool written = size == 0 || std::fwrite(pbase(), 1, size, stdout) == size;
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
        return written;
    }
    std::vector<char> m_buffer;
};

} // namespace

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
    if (m_out.empty()) {
        std::cout.flush();
        StdoutBlocks blocks;
        std::ostream out(&blocks);
        write(out);
        out.flush();
        if (!out)
            std::cout.setstate(std::ios::badbit); // as a failed write to std::cout would leave it
    } else
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
