#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/map_export.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/render/parcel_sheet.h"

#include "geo/crs/gauss_kruger.h"
#include "geo/decimal_text.h"
#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/ledger/ledger_table.h"
#include "geo/model/display_names.h"
#include "geo/session/park_session.h"
#include "geo/styles.h"

#include <QString>

#include <chrono>
#include <cstdio>
#include <functional>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

namespace parkatlas::cli {

namespace {

QString stylesFolder()
{
    try {
        return QString::fromStdString(geo::stylesDirectory());
    } catch (const std::exception&) {
        return {};
    }
}

/// A file name made of a plot id: characters a file system refuses become '_'.
std::string fileNameOf(const QString& id)
{
    QString name = id;
    for (QChar& c : name)
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char(':') ||
            c == QLatin1Char('*') || c == QLatin1Char('?') || c == QLatin1Char('"') ||
            c == QLatin1Char('<') || c == QLatin1Char('>') || c == QLatin1Char('|') ||
            c.unicode() < 0x20)
            c = QLatin1Char('_');
    name = name.trimmed();
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String(".."))
        name = QStringLiteral("_");
    return name.toStdString() + ".pdf";
}

/// A park in degrees gets the 3° Gauss-Krüger zone of its plots as its working CRS (on its own
/// datum: CGCS2000, Xi'an 1980 or Beijing 1954), said on stderr: a sheet's coordinates are plane
/// coordinates. Any other geographic datum is an error naming it.
void proposePlaneCrs(geo::ParkDefinition& definition, const geo::ParkLayerSource& plots)
{
    if (!definition.crs.empty())
        return;
    const geo::Crs working = geo::parkWorkingCrs(definition);
    if (!working.isGeographic())
        return;
    const std::string datum = working.datumName();
    std::optional<geo::ChineseDatum> chinese;
    if (datum.find("2000") != std::string::npos)
        chinese = geo::ChineseDatum::Cgcs2000;
    else if (datum.find("Xian") != std::string::npos || datum.find("Xi'an") != std::string::npos)
        chinese = geo::ChineseDatum::Xian1980;
    else if (datum.find("Beijing") != std::string::npos)
        chinese = geo::ChineseDatum::Beijing1954;
    const geo::LayerInfo info = geo::describeLayer(plots.ref, plots.open);
    const double longitude = (info.extent.minX + info.extent.maxX) / 2;
    const int centralMeridian = static_cast<int>(std::lround(longitude / 3)) * 3;
    const std::optional<int> epsg =
        chinese ? geo::gaussKrugerEpsg(*chinese, 3, centralMeridian, false) : std::nullopt;
    if (!epsg)
        throw geo::CrsError(
            "the park is in degrees (" + working.label() + ", datum " + datum +
                ") and a parcel sheet gives plane coordinates: give the park a projected CRS "
                "(\"crs\" in a project file, for instance the Gauss-Krüger zone of its plots)",
            {plots.ref.datasetPath, plots.ref.layerName, -1, {}});
    definition.crs = "EPSG:" + std::to_string(*epsg);
    std::cerr << "parkatlas sheet: the park is in degrees (" << working.label()
              << "); the sheets give plane coordinates in EPSG:" << *epsg << ", the 3° "
              << geo::toString(*chinese) << " Gauss-Krüger zone of its plots (central meridian "
              << centralMeridian << "°E); set \"crs\" in a project file to choose another\n";
}

/// The 界址点成果表 of the plots alone, as a ledger (one table a plot): point, X (north), Y
/// (east) to the millimetre, the length of the edge to the next point, and the area in a note.
geo::Ledger coordinateLedger(const render::ParcelSheetBook& book,
                             const std::vector<std::size_t>& plots, geo::AreaMethod method,
                             const std::function<bool(double)>& progress)
{
    geo::Ledger ledger;
    ledger.kind = "boundary_points";
    ledger.title = "界址点成果表";
    ledger.park = book.park().name;
    const std::string axes = ("X 为纵坐标（向北），Y 为横坐标（向东），坐标系 " +
                           book.park().crs.label() + "；边长为到下一点的距离（米）；面积计算方法：" +
                           geo::displayName(geo::NameGroup::Kind, geo::toString(method),
                                            geo::Language::Chinese));
    ledger.notes.push_back(axes);
    using Kind = geo::LedgerColumn::Kind;
    for (std::size_t k = 0; k < plots.size(); ++k) {
        const render::ParcelSheet sheet = book.sheet(plots[k]);
        geo::LedgerTable table;
        table.id = sheet.plotId.toStdString();
        table.title = "界址点成果表 " + sheet.plotId.toStdString() +
                      (sheet.owner.isEmpty() ? std::string() : "（" + sheet.owner.toStdString() + "）");
        table.columns = {{"point", "点号", Kind::Text, 0},
                         {"x_north", "X（北）", Kind::Ratio, 3},
                         {"y_east", "Y（东）", Kind::Ratio, 3},
                         {"edge_m", "边长（米）", Kind::Ratio, 2}};
        for (const geo::BoundaryRing& ring : sheet.points.rings)
            for (std::size_t i = 0; i <= ring.pointCount(); ++i) {
                const std::size_t p = i % ring.pointCount();
                table.rows.push_back({ring.pointName(p), ring.y(p), ring.x(p),
                                      i < ring.pointCount() ? geo::LedgerCell(ring.edgeLengthM[p])
                                                            : geo::LedgerCell()});
            }
        char area[96];
        std::snprintf(area, sizeof area, "宗地面积 %.2f m²（%.4f 亩）", sheet.areaM2,
                      sheet.areaMu());
        table.notes.push_back(std::isfinite(sheet.areaM2) ? area : "宗地面积无法量算");
        table.notes.push_back(axes);
        for (const QString& problem : sheet.problems)
            table.notes.push_back("图形问题：" + problem.toStdString());
        ledger.tables.push_back(std::move(table));
        if (progress && !progress(static_cast<double>(k + 1) / plots.size()))
            throw geo::Cancelled();
    }
    return ledger;
}

} // namespace

int runSheet(const std::vector<std::string>& args)
{
    CommandLine cli(
        "sheet",
        "PARK --out FILE.pdf|DIR/ [--id ID ...|--where EXPR] [--layer ROLE] [--template T] "
        "[--paper A4|A3] [--org O] [--date D] [--scale N] [--method M] [--overwrite]",
        "Parcel sheets (宗地图 with the 界址点成果表): per plot, the plot at a round scale with "
        "its boundary points J1, J2 … numbered clockwise from the north-westernmost point (each "
        "ring on its own: holes and parts too), every edge's length, the neighbouring plots and "
        "roads with their numbers, owners and names, the 四至, the area in m² and 亩, the land "
        "use in the layer's classification, the coordinate table (X north, Y east, to the "
        "millimetre; continued on further pages when long), the CRS, the date, the organisation "
        "and blank 制图/审核 fields. All plots in one PDF, or one PDF per plot when --out is a "
        "folder (ending in /). Files are written under a temporary name and renamed when "
        "complete; Ctrl-C stops and writes nothing more.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("out", "FILE.pdf|DIR/",
                  "one PDF with every sheet, or a folder (ending in /) with one PDF per plot");
    cli.addOption("id", "ID", "the plot with this id (parcel_id …; repeatable); default: all",
                  true);
    cli.addOption("where", "EXPR",
                  "the plots this OGR SQL filter selects, on the source's own fields "
                  "(\"owner LIKE '%科技%'\")");
    cli.addOption("layer", "ROLE",
                  "the layer whose plots get sheets: parcels (default), plan_zones, "
                  "acquisition, idle_land, expansion …");
    cli.addOption("template", "T",
                  "a sheet template (JSON with \"kind\": \"parcel_sheet\": title, paper, "
                  "organisation, date, scale, footnote): a name in styles/layouts/ (宗地图) or "
                  "a path");
    cli.addOption("title", "T", "the title (default 宗地图)");
    cli.addOption("paper", "P", "A4 (default) or A3");
    cli.addOption("org", "O", "the drawing organisation (制图单位)");
    cli.addOption("date", "D", "the date on the sheets (default: today)");
    cli.addOption("scale", "N", "the map at 1:N (default: the next round scale that fits)");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    cli.addOption("format", "F",
                  "pdf (default: the sheets), or csv or xlsx: the 界址点成果表 alone, one table "
                  "a plot, into --out FILE");
    cli.addFlag("overwrite", "replace --out (or the folder's files) when they exist");
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
        throw UsageError("--out FILE.pdf or --out DIR/ is required");
    const std::string format = cli.value("format", "pdf");
    if (format != "pdf" && format != "csv" && format != "xlsx")
        throw UsageError("--format must be pdf, csv or xlsx (got '" + format + "')");
    std::error_code error;
    const bool folder = out.back() == '/' || std::filesystem::is_directory(out, error);
    if (format != "pdf" && folder)
        throw UsageError("--format " + format + " writes one file: --out FILE." + format);
    if (format == "pdf" && !folder &&
        QString::fromStdString(out).endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive) ==
            false)
        throw UsageError("--out must end in .pdf (one PDF) or / (a folder, one PDF per plot); "
                         "got '" + out + "'");
    if (!folder && std::filesystem::exists(out, error) && !cli.has("overwrite"))
        throw UsageError("'" + out + "' exists; add --overwrite to replace it");
    if (cli.has("id") && cli.has("where"))
        throw UsageError("--id and --where exclude each other");
    if (cli.has("where") && cli.value("where").find_first_not_of(" \t") == std::string::npos)
        throw UsageError("--where is empty: give an OGR SQL filter (\"parcel_id = 'A-01'\")");

    geo::Role role = geo::Role::Parcels;
    if (cli.has("layer")) {
        const auto named = geo::roleFromLayerName(cli.value("layer"));
        if (!named)
            throw UsageError("--layer: '" + cli.value("layer") +
                             "' is not a layer role (parcels, plan_zones, acquisition, "
                             "idle_land, expansion, boundary, buildings, protected …)");
        role = *named;
    }

    render::ParcelSheetOptions options;
    options.layout = render::defaultParcelSheetLayout();
    if (cli.has("template")) {
        try {
            options.layout = render::PageLayout::loadTemplate(
                QString::fromStdString(cli.value("template")), stylesFolder());
        } catch (const std::runtime_error& problem) {
            throw UsageError(std::string("--template: ") + problem.what());
        }
        if (options.layout.kind != render::PageKind::ParcelSheet)
            throw UsageError("--template: '" + cli.value("template") +
                             "' lays out a map page, not a parcel sheet (the sheets' templates: " +
                             render::PageLayout::templateNames(stylesFolder(),
                                                               render::PageKind::ParcelSheet)
                                 .join(QStringLiteral(", "))
                                 .toStdString() +
                             ")");
        if (options.layout.title.isEmpty())
            options.layout.title = QStringLiteral("宗地图");
        if (!cli.has("paper") && options.layout.paper != QLatin1String("A3"))
            options.layout.paper = QStringLiteral("A4");
    }
    if (cli.has("title"))
        options.layout.title = QString::fromStdString(cli.value("title"));
    if (cli.has("paper")) {
        options.layout.paper = QString::fromStdString(cli.value("paper")).toUpper();
        if (options.layout.paper != QLatin1String("A4") &&
            options.layout.paper != QLatin1String("A3"))
            throw UsageError("--paper must be A4 or A3 (got '" + cli.value("paper") + "')");
    }
    if (cli.has("org"))
        options.layout.organisation = QString::fromStdString(cli.value("org"));
    if (cli.has("date"))
        options.layout.date = QString::fromStdString(cli.value("date"));
    if (cli.has("scale")) {
        const auto scale = geo::parseDecimal(cli.value("scale"));
        if (!scale || !std::isfinite(*scale) || *scale <= 0)
            throw UsageError("--scale must be a number > 0 (got '" + cli.value("scale") + "')");
        options.layout.scaleDenominator = *scale;
    }
    options.areaMethod = areaMethodFrom(cli);

    ensureGuiApplication();
    IssuePrinter issues;
    const std::string source = cli.positional("PARK");
    geo::ParkDefinition definition = discoverParkFrom(cli, source);
    const geo::ParkLayerSource* layerSource = definition.find(role);
    if (!layerSource)
        throw geo::Error(std::string("the park '") + source + "' has no " + geo::toString(role) +
                         " layer (" + geo::chineseName(role) + ") to draw sheets of");
    proposePlaneCrs(definition, *layerSource);
    layerSource = definition.find(role);
    const auto session = std::make_shared<geo::ParkSession>(definition);
    std::vector<geo::Role> roles = {role, geo::Role::Roads};
    const std::shared_ptr<const geo::Park> park = readPark(*session, roles, issues);
    const render::ParcelSheetBook book(park, role, options);
    const geo::Layer& layer = *book.layer().layer;

    // Which plots.
    std::vector<std::size_t> plots;
    if (cli.has("id")) {
        std::set<std::size_t> seen;
        for (const std::string& id : cli.values("id")) {
            const std::vector<std::size_t> rows = book.find(id);
            if (rows.empty())
                throw geo::Error("no plot has the id '" + id + "' (" +
                                     (book.idField() >= 0
                                          ? layer.attributes.fields()[book.idField()].name
                                          : std::string("FID: the layer has no id field")) +
                                     ")",
                                 {layer.sourcePath, layer.name, -1, {}});
            if (rows.size() > 1)
                std::cerr << "parkatlas sheet: "
                          << say(geo::message("plots_share_id",
                                              "{count} plots have the id '{id}' in {path}: a sheet "
                                              "for each",
                                              {{"count", std::to_string(rows.size())},
                                               {"id", id},
                                               {"path", layer.sourcePath}}))
                          << "\n";
            for (const std::size_t row : rows)
                if (seen.insert(row).second)
                    plots.push_back(row);
        }
    } else if (cli.has("where")) {
        geo::ReadOptions read;
        read.open = layerSource->open;
        read.requireCrs = false;
        read.fields = std::vector<std::string>{};
        read.attributeFilter = cli.value("where");
        geo::IssueList whereIssues;
        geo::Layer selected;
        try {
            selected = geo::readLayer(layerSource->ref, read, whereIssues);
        } catch (const geo::IoError& problem) {
            throw geo::Error("--where '" + cli.value("where") + "' cannot be used: " +
                                 problem.what(),
                             {layerSource->ref.datasetPath, layerSource->ref.layerName, -1, {}});
        }
        const std::set<std::int64_t> fids(selected.fids.begin(), selected.fids.end());
        for (std::size_t i = 0; i < layer.featureCount(); ++i)
            if (fids.count(layer.fids[i]))
                plots.push_back(i);
        if (plots.empty())
            throw geo::Error("--where '" + cli.value("where") + "' selects no plot",
                             {layerSource->ref.datasetPath, layerSource->ref.layerName, -1, {}});
    } else {
        for (std::size_t i = 0; i < layer.featureCount(); ++i)
            plots.push_back(i);
        if (plots.empty())
            throw geo::Error("the layer has no plots", {layer.sourcePath, layer.name, -1, {}});
    }

    const auto started = std::chrono::steady_clock::now();
    ProgressBar bar("parcel sheets");
    const auto progress = [&bar](double done) { return bar.update(done) && !g_interrupted; };
    std::size_t pages = 0;
    if (format != "pdf") {
        const geo::Ledger ledger = coordinateLedger(book, plots, options.areaMethod, progress);
        bar.finish();
        if (format == "xlsx")
            geo::writeLedgerXlsx(out, ledger);
        else
            geo::writeFileAtomically(
                out, [&ledger](std::ostream& file) { geo::writeLedgerCsv(file, ledger); });
        std::cerr << say(geo::message("wrote_tables", "wrote {path} ({count} table(s))",
                                      {{"path", out}, {"count", std::to_string(plots.size())}}))
                  << "\n";
        return kExitOk;
    }
    if (!folder) {
        const auto written = book.writePdf(QString::fromStdString(out), plots, progress);
        if (!written)
            throw geo::Cancelled();
        pages = *written;
        bar.finish();
    } else {
        std::filesystem::create_directories(out, error);
        if (error)
            throw geo::IoError("cannot make the folder: " + error.message(), {out, {}, -1, {}});
        std::set<std::string> names;
        for (std::size_t k = 0; k < plots.size(); ++k) {
            std::string name = fileNameOf(book.plotId(plots[k]));
            if (!names.insert(name).second) // duplicate ids: the FID makes them apart
                name = name.substr(0, name.size() - 4) + "-FID" +
                       std::to_string(layer.fids[plots[k]]) + ".pdf";
            names.insert(name);
            const std::filesystem::path path = std::filesystem::path(out) / name;
            if (std::filesystem::exists(path, error) && !cli.has("overwrite"))
                throw UsageError("'" + path.string() + "' exists; add --overwrite to replace it");
            const auto written = book.writePdf(QString::fromStdString(path.string()), {plots[k]}, {});
            if (!written)
                throw geo::Cancelled();
            pages += *written;
            if (!progress(static_cast<double>(k + 1) / plots.size()))
                throw geo::Cancelled();
        }
        bar.finish();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cerr << say(geo::message("wrote_parcel_sheets",
                                  "wrote {path} ({count} sheet(s), {pages} page(s), {ms} ms)",
                                  {{"path", out},
                                   {"count", std::to_string(plots.size())},
                                   {"pages", std::to_string(pages)},
                                   {"ms", std::to_string(std::llround(seconds * 1000))}}))
              << "\n";
    return kExitOk;
}

} // namespace parkatlas::cli
