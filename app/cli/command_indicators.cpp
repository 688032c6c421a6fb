#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/cli/result_writer.h"

#include "geo/io/json_writer.h"
#include "geo/io/text_table.h"
#include "geo/ledger/indicators.h"
#include "geo/model/park.h"
#include "geo/units.h"

#include <cmath>
#include <iostream>

namespace parkatlas::cli {

namespace {

std::string shown(double value, const std::string& unit)
{
    if (std::isnan(value))
        return "unknown";
    return geo::formatForDisplay(value, unit == "%" ? 2 : unit.empty() ? 3 : 2);
}

std::string inputsText(const geo::Indicator& indicator)
{
    std::string text;
    for (const geo::IndicatorInput& input : indicator.inputs)
        text +=
            (text.empty() ? "" : "; ") + input.nameZh + " = " +
            (std::isnan(input.value) ? std::string("unknown")
                                     : geo::formatForDisplay(input.value, 2) + " " + input.unit) +
            " [" + input.source + "]";
    return text;
}

std::string joined(const std::vector<std::string>& parts)
{
    std::string text;
    for (const std::string& part : parts)
        text += (text.empty() ? "" : "; ") + part;
    return text;
}

} // namespace

int runIndicators(const std::vector<std::string>& args)
{
    CommandLine cli(
        "indicators",
        "PARK [--format table|csv|json] [--boundary-kind KIND] [--method "
        "ellipsoidal|survey|planar] "
        "[--encoding ENC] [--s-srs CRS]",
        "The land-use intensity indicators of TD/T 1029 (开发区土地集约利用评价) from the park's "
        "layers: 土地开发率, 土地供应率, 土地建成率, 工业用地率, 综合容积率, 建筑密度, "
        "工业用地综合容积率, "
        "工业用地固定资产投入强度, 工业用地地均税收, 综合地均税收, 闲置土地处置率; each with its "
        "formula, its inputs (which layer and field), what was unknown, and how the standard was "
        "read where it is ambiguous.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    ResultWriter::addFormatOption(cli);
    cli.addOption("boundary-kind", "KIND",
                  "the boundary kind that is the evaluation area "
                  "(default 核准范围)");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    addSourceOptions(cli);
    addAsOfOption(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const ResultWriter writer = ResultWriter::fromCommandLine(cli);
    const geo::AreaMethod method = areaMethodFrom(cli);
    const geo::OpenOptions open = openOptionsFrom(cli);
    IssuePrinter issues;
    const auto session = openSessionFrom(cli, cli.positional("PARK"));
    readPark(*session, geo::indicatorRoles(), issues);
    geo::IndicatorOptions options;
    options.areaMethod = method;
    options.boundaryKind = cli.value("boundary-kind", "核准范围");
    const geo::IndicatorReport report = session->indicators(options, issues).value;

    writer.write({
        .table =
            [&](std::ostream& out) {
                out << "TD/T 1029 开发区土地集约利用评价指标 — " << report.park << " ("
                    << geo::toString(report.areaMethod) << " areas)\n";
                geo::TextTable table;
                table.addColumn("指标");
                table.addColumn("值", geo::TextTable::Align::Right);
                table.addColumn("单位");
                table.addColumn("万元/亩", geo::TextTable::Align::Right);
                table.addColumn("公式");
                for (const geo::Indicator& indicator : report.indicators)
                    table.addRow({indicator.nameZh, shown(indicator.value, indicator.unit),
                                  indicator.unit,
                                  std::isnan(indicator.valuePerMu)
                                      ? ""
                                      : geo::formatForDisplay(indicator.valuePerMu, 2),
                                  indicator.formula});
                table.render(out);
                for (const geo::Indicator& indicator : report.indicators) {
                    out << "\n" << indicator.nameZh << " (" << indicator.key << ")\n";
                    for (const geo::IndicatorInput& input : indicator.inputs)
                        out << "  " << input.nameZh << " = "
                            << (std::isnan(input.value)
                                    ? std::string("unknown")
                                    : geo::formatForDisplay(input.value, 2) + " " + input.unit)
                            << "  [" << input.source << "; " << input.count << " counted"
                            << (input.unknownCount
                                    ? ", " + std::to_string(input.unknownCount) + " unknown"
                                    : std::string())
                            << "]\n";
                    for (const std::string& unknown : indicator.unknowns)
                        out << "  unknown: " << unknown << "\n";
                    if (!indicator.reading.empty())
                        out << "  reading: " << indicator.reading << "\n";
                }
                for (const std::string& note : report.notes)
                    out << "\n" << note << "\n";
            },
        .csv =
            [&](std::ostream& out) {
                std::vector<std::vector<std::string>> rows = {{"key", "indicator", "value", "unit",
                                                               "value_per_mu", "formula", "inputs",
                                                               "unknowns", "reading"}};
                for (const geo::Indicator& indicator : report.indicators)
                    rows.push_back(
                        {indicator.key, indicator.nameZh,
                         std::isnan(indicator.value) ? "" : geo::shortestDecimal(indicator.value),
                         indicator.unit,
                         std::isnan(indicator.valuePerMu)
                             ? ""
                             : geo::shortestDecimal(indicator.valuePerMu),
                         indicator.formula, inputsText(indicator), joined(indicator.unknowns),
                         indicator.reading});
                geo::writeCsv(out, rows, true);
            },
        .json =
            [&](geo::JsonWriter& json) {
                json.beginObject();
                json.field("park", report.park);
                json.field("standard", "TD/T 1029 开发区土地集约利用评价规程");
                json.field("method", geo::toString(report.areaMethod));
                json.field("notes", report.notes);
                json.key("indicators").beginArray();
                for (const geo::Indicator& indicator : report.indicators) {
                    json.beginObject();
                    json.field("key", indicator.key);
                    json.field("name", indicator.nameZh);
                    json.field("formula", indicator.formula);
                    json.field("value", indicator.value);
                    json.field("unit", indicator.unit);
                    if (!std::isnan(indicator.valuePerMu))
                        json.field("value_per_mu", indicator.valuePerMu);
                    json.key("inputs").beginArray();
                    for (const geo::IndicatorInput& input : indicator.inputs) {
                        json.beginObject();
                        json.field("key", input.key);
                        json.field("name", input.nameZh);
                        json.field("value", input.value);
                        json.field("unit", input.unit);
                        json.field("source", input.source);
                        json.field("count", input.count);
                        json.field("unknown_count", input.unknownCount);
                        json.endObject();
                    }
                    json.endArray();
                    json.field("unknowns", indicator.unknowns);
                    json.field("reading", indicator.reading);
                    json.endObject();
                }
                json.endArray();
                json.endObject();
            },
    });
    return kExitOk;
}

} // namespace parkatlas::cli
