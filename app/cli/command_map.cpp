#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/map_export.h"
#include "app/cli/park_options.h"
#include "app/render/park_page.h"

#include "geo/decimal_text.h"
#include "geo/diff/park_diff.h"
#include "geo/model/park.h"
#include "geo/styles.h"

#include <QString>
#include <QStringList>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace parkatlas::cli {

namespace {

double positiveNumber(const CommandLine& cli, const char* name)
{
    const std::string text = cli.value(name);
    if (const auto value = geo::parseDecimal(text); value && std::isfinite(*value) && *value > 0)
        return *value;
    throw UsageError(std::string("--") + name + " must be a number > 0 (got '" + text + "')");
}

geo::Envelope extentFrom(const std::string& text)
{
    std::vector<double> values;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, ',')) {
        const auto value = geo::parseDecimal(part);
        if (!value) {
            values.clear();
            break;
        }
        values.push_back(*value);
    }
    if (values.size() != 4 || !(values[0] < values[2]) || !(values[1] < values[3]))
        throw UsageError("--extent must be minx,miny,maxx,maxy with minx < maxx and miny < maxy "
                         "(got '" +
                         text + "')");
    return {values[0], values[1], values[2], values[3]};
}

QString stylesDirectory()
{
    try {
        return QString::fromStdString(geo::stylesDirectory());
    } catch (const std::exception&) {
        return {};
    }
}

} // namespace

void addMapOptions(CommandLine& cli)
{
    cli.addOption("template", "T",
                  "a layout template: a name in styles/layouts/ (用地现状图, 规划符合性分析图, "
                  "闲置土地分布图, 征地进度图, 道路管网工程进度图, 变化图) or a path to your own JSON");
    cli.addOption("title", "T",
                  "the title (default: the template's, \"{park}\" is the park's name)");
    cli.addOption("subtitle", "S", "a line under the title");
    cli.addOption("org", "O", "the organisation (编制单位) in the title block");
    cli.addOption("date", "D", "the date in the title block (default: this month)");
    cli.addOption("paper", "P", "A4, A3 (default), A2, A1 or A0");
    cli.addFlag("portrait", "portrait (default: landscape)");
    cli.addFlag("landscape", "landscape, also where the template is portrait");
    cli.addOption("dpi", "N",
                  "dots per inch of a PNG (default 300); PDF and SVG are drawn on a 600-DPI grid "
                  "(map vertices to 0.02 mm), or a finer one when N is higher");
    cli.addOption("scale", "N", "the map at 1:N (default: fit at the next round scale)");
    cli.addOption("extent", "minx,miny,maxx,maxy", "what the map frame shows (park CRS)");
    cli.addOption("layers", "a,b,...", "only these layers (roles: parcels, roads …)");
    cli.addFlag("grid", "draw a coordinate grid with labels");
    cli.addOption("table", "K",
                  "the area table: landuse, findings, acquisition, idle, works, changes, none");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    cli.addOption("previous", "OLD",
                  "the park at the start of the period, for a change map (--template 变化图, "
                  "--table changes)");
}

render::PageLayout pageLayoutFrom(const CommandLine& cli)
{
    render::PageLayout layout;
    if (cli.has("template")) {
        try {
            layout = render::PageLayout::loadTemplate(QString::fromStdString(cli.value("template")),
                                                      stylesDirectory());
        } catch (const std::runtime_error& error) {
            throw UsageError(std::string("--template: ") + error.what());
        }
        if (layout.kind != render::PageKind::Map)
            throw UsageError("--template: '" + cli.value("template") +
                             "' lays out a parcel sheet: parkatlas sheet --template " +
                             cli.value("template"));
    }
    if (cli.has("title"))
        layout.title = QString::fromStdString(cli.value("title"));
    if (cli.has("subtitle"))
        layout.subtitle = QString::fromStdString(cli.value("subtitle"));
    if (cli.has("org"))
        layout.organisation = QString::fromStdString(cli.value("org"));
    if (cli.has("date"))
        layout.date = QString::fromStdString(cli.value("date"));
    if (cli.has("paper")) {
        layout.paper = QString::fromStdString(cli.value("paper")).toUpper();
        if (render::paperSizeMm(layout.paper).isEmpty())
            throw UsageError("--paper must be A4, A3, A2, A1 or A0");
    }
    if (cli.has("portrait") && cli.has("landscape"))
        throw UsageError("--portrait and --landscape exclude each other");
    if (cli.has("portrait"))
        layout.landscape = false;
    if (cli.has("landscape"))
        layout.landscape = true;
    if (cli.has("scale"))
        layout.scaleDenominator = positiveNumber(cli, "scale");
    if (cli.has("extent"))
        layout.extent = extentFrom(cli.value("extent"));
    if (cli.has("layers")) {
        layout.layers.clear();
        for (const QString& name :
             QString::fromStdString(cli.value("layers")).split(',', Qt::SkipEmptyParts)) {
            if (!geo::roleFromLayerName(name.trimmed().toStdString()))
                throw UsageError("--layers: '" + name.toStdString() +
                                 "' is not a layer role (boundary, parcels, plan_zones, "
                                 "acquisition, idle_land, roads, pipelines, facilities, "
                                 "buildings, protected, expansion)");
            layout.layers.append(name.trimmed());
        }
    }
    if (cli.has("grid"))
        layout.grid = true;
    if (cli.has("table")) {
        const auto kind =
            render::pageTableKindFromString(QString::fromStdString(cli.value("table")));
        if (!kind)
            throw UsageError("--table must be landuse, findings, acquisition, idle, works, changes or none");
        layout.table = *kind;
    }
    return layout;
}

double dpiFrom(const CommandLine& cli)
{
    if (!cli.has("dpi"))
        return 300;
    const double dpi = positiveNumber(cli, "dpi");
    if (dpi < 30 || dpi > 1200)
        throw UsageError("--dpi must be between 30 and 1200");
    return dpi;
}

int runMap(const std::vector<std::string>& args)
{
    CommandLine cli(
        "map",
        "PARK --out FILE.pdf|.svg|.png [--template T] [--title T] [--subtitle S] [--org O] "
        "[--paper A4|A3|A2|A1|A0] [--portrait] [--dpi N] [--scale N] [--layers a,b,...] "
        "[--extent minx,miny,maxx,maxy] [--grid] [--table K] [--previous OLD] [--overwrite]",
        "A map page for the committee (规委会, 区长办公会): title, the map frame at a round "
        "scale, the legend of the classes in the frame, scale bar, north arrow, coordinate "
        "system, an area table in mu and a footnote with the sources and the area method. PDF "
        "and SVG are vector (the PDF embeds its CJK fonts as subsets, so text stays text); PNG "
        "is drawn at --dpi. The file is written under a temporary name and renamed when "
        "complete.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("out", "FILE", "the page: .pdf, .svg or .png (required)");
    cli.addFlag("overwrite", "replace --out when it exists");
    addMapOptions(cli);
    addSourceOptions(cli);
    addAsOfOption(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const std::string out = cli.value("out");
    if (out.empty())
        throw UsageError("--out FILE.pdf|.svg|.png is required");
    const auto format = render::pageFormatFromPath(QString::fromStdString(out));
    if (!format)
        throw UsageError("--out must end in .pdf, .svg or .png");
    std::error_code error;
    if (std::filesystem::exists(out, error) && !cli.has("overwrite"))
        throw UsageError("'" + out + "' exists; add --overwrite to replace it");
    const render::PageLayout layout = pageLayoutFrom(cli);
    ParkMapOptions options;
    options.dpi = dpiFrom(cli);
    options.areaMethod = areaMethodFrom(cli);

    IssuePrinter issues;
    const auto session = openSessionFrom(cli, cli.positional("PARK"));
    options.session = session.get();
    options.source = cli.positional("PARK");
    const bool changeMap = layout.table == render::PageTableKind::Changes;
    if (changeMap != cli.has("previous"))
        throw UsageError(changeMap ? "a change map (变化图) needs --previous OLD, the park to compare "
                                     "with"
                                   : "--previous is for a change map (--template 变化图 or "
                                     "--table changes)");
    std::shared_ptr<const geo::Park> park = readPark(*session, render::rolesForPage(layout), issues);
    std::shared_ptr<const geo::Park> previous;
    geo::ParkDiff diff;
    if (changeMap) {
        // Drawn in the session park's CRS: the previous park goes into it (said on stderr).
        ChangesSince since =
            changesSince(cli, cli.value("previous"), *park, options.areaMethod, issues, "map");
        previous = std::move(since.previous);
        diff = std::move(since.diff);
        options.previous = previous;
        options.diff = &diff;
    }
    const render::PageExportResult result =
        exportParkMap(park, layout, out, *format, options, issues);
    for (const QString& warning : result.warnings)
        std::cerr << "parkatlas map: " << warning.toStdString() << "\n";
    std::cerr << say(geo::message(
                     "wrote_map", "wrote {path} ({count} features, {ms} ms)",
                     {{"path", out},
                      {"count", std::to_string(result.featuresDrawn)},
                      {"ms", std::to_string(static_cast<long long>(std::lround(result.elapsedMs)))}}))
              << "\n";
    return kExitOk;
}

} // namespace parkatlas::cli
