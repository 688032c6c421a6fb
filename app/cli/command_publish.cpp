#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/cli/temporary_folder.h"

#include "geo/error.h"
#include "geo/file_paths.h"
#include "geo/publish/web_site.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace parkatlas::cli {

namespace {

namespace fs = std::filesystem;
using geo::isEmptyDirectory;

std::string nowUtc()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
    return text;
}

} // namespace

int runPublish(const std::vector<std::string>& args)
{
    CommandLine cli(
        "publish",
        "PARK --out DIR [--profile internal|public] [--title T] [--layers a,b,...] "
        "[--as-of YYYY-MM-DD] [--method ellipsoidal|survey|planar] [--force]",
        "The park as a static web map in DIR, for tablets, phones and the park's website: "
        "index.html with MapLibre GL JS (no CDN: the site works offline once served), the layers "
        "as vector tiles in Web Mercator with overviews down to the whole park, each layer in "
        "the colours of styles/, a layer switcher, a legend of the classes present, click to "
        "identify (area in mu measured here, and the plot's fields), search by plot number or "
        "owner, the plan-check and idle-land findings with their reasons, a scale bar, Chinese "
        "with English one click away. --profile public (the investment page) leaves out owners, "
        "tax, investment, households, persons and compensation, the idle-land layer and the "
        "findings, and shows the plots available for supply (acquired to 场平, not supplied "
        "yet) with their area, plan land use and FAR. Serve DIR with `parkatlas serve DIR` (or any static web server). "
        "The site is written into a hidden folder beside DIR and renamed to DIR when complete; an "
        "existing DIR that is not empty is refused unless --force.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("out", "DIR", "the folder of the site (required)");
    cli.addOption("profile", "P", "internal (default: everything) or public (investment page)");
    cli.addOption("title", "T", "the page's title (default: the park's name)");
    cli.addOption("layers", "a,b,...", "only these layers (roles: parcels, roads …)");
    cli.addOption("as-of", "DATE",
                  "the idle-land audit's date for the findings, YYYY-MM-DD (default: today)");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    cli.addFlag("force", "replace DIR when it exists and is not empty");
    cli.addFlag("reports",
                "also the committee maps of `parkatlas report` (用地现状图, 规划符合性分析图 …) as "
                "PDFs in DIR/reports, linked from the page's 报告 / Reports menu (internal "
                "profile only: they show owners and findings)");
    addSourceOptions(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const std::string outText = cli.value("out");
    if (outText.empty())
        throw UsageError("--out DIR is required");
    const fs::path out = fs::absolute(geo::utf8Path(outText));
    std::error_code error;
    const bool exists = fs::exists(out, error);
    if (exists && !fs::is_directory(out, error))
        throw UsageError("--out " + outText + " exists and is not a folder");
    if (exists && !isEmptyDirectory(out) && !cli.has("force"))
        throw UsageError("--out " + outText + " exists and is not empty; add --force to replace it");

    geo::WebSiteOptions options;
    const std::string profile = cli.value("profile", "internal");
    if (profile == "internal")
        options.profile = geo::WebProfile::Internal;
    else if (profile == "public")
        options.profile = geo::WebProfile::Public;
    else
        throw UsageError("--profile must be internal or public, not '" + profile + "'");
    if (cli.has("reports") && options.profile == geo::WebProfile::Public)
        throw UsageError("--reports goes with the internal profile only: the committee maps "
                         "show owners and findings, which the public profile leaves out");
    options.title = cli.value("title");
    if (cli.has("layers")) {
        std::stringstream names(cli.value("layers"));
        std::string name;
        while (std::getline(names, name, ',')) {
            if (name.empty())
                continue;
            const auto role = geo::roleFromLayerName(name);
            if (!role)
                throw UsageError("--layers: '" + name +
                                 "' is not a layer role (boundary, parcels, plan_zones, "
                                 "acquisition, idle_land, roads, pipelines, facilities, "
                                 "buildings, protected, expansion)");
            options.roles.push_back(*role);
        }
    }
    if (cli.has("as-of")) {
        const auto parsed = geo::Date::parse(cli.value("as-of"));
        if (!parsed)
            throw UsageError("--as-of '" + cli.value("as-of") + "' is not a date (YYYY-MM-DD)");
        options.auditDate = *parsed;
    } else {
        options.auditDate = today();
    }
    options.areaMethod = areaMethodFrom(cli);
    options.publishedAt = nowUtc();
    options.replace = cli.has("force");
    options.pageDirectory = geo::webPageDirectory();

    IssuePrinter issues;
    const auto session = openSessionFrom(cli, cli.positional("PARK"));
    // The committee maps: `parkatlas report --maps-only` in parkatlas-maps (it draws with Qt,
    // which this program does not load; no ledgers or tables), into a temporary folder; the
    // site takes its PDFs.
    std::unique_ptr<TemporaryFolder> pack;
    if (cli.has("reports")) {
#ifdef PARKATLAS_WITH_MAPS
        pack = std::make_unique<TemporaryFolder>("parkatlas-publish-reports");
        const std::string packDir = pack->path() + "/pack";
        std::vector<std::string> report = {cli.positional("PARK"), "--out", packDir, "--as-of",
                                           options.auditDate.toIso(), "--method",
                                           std::string(geo::toString(options.areaMethod)),
                                           "--maps-only"};
        for (const char* option : {"encoding", "s-srs"})
            if (cli.has(option)) {
                report.push_back(std::string("--") + option);
                report.push_back(cli.value(option));
            }
        for (const std::string& value : cli.values("classification")) {
            report.push_back("--classification");
            report.push_back(value);
        }
        std::cerr << "parkatlas publish: "
                  << say(geo::message("publish_drawing_maps",
                                      "drawing the committee maps (parkatlas report --maps-only)"))
                  << "\n";
        const int status = runMapsProgram("report", report);
        if (status == kExitInterrupted || g_interrupted)
            throw geo::Cancelled();
        if (status != kExitOk)
            throw geo::IoError("the committee maps could not be drawn (parkatlas report exited " +
                               std::to_string(status) + ", its message is above); nothing was "
                               "published");
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(geo::utf8Path(packDir), error))
            if (entry.is_regular_file() && entry.path().extension() == ".pdf")
                options.reportFiles.push_back(geo::pathText(entry.path()));
        std::sort(options.reportFiles.begin(), options.reportFiles.end());
#else
        throw UsageError("--reports needs parkatlas-maps, which this build does not have (it "
                         "comes with the GUI build)");
#endif
    }

    geo::WebSiteResult result;
    {
        ProgressBar bar("publishing");
        options.progress = [&bar](double done) { return bar.update(done); };
        result = geo::publishWebSite(*session, outText, options, issues);
        bar.finish();
    }
    for (const std::string& note : result.notes)
        std::cerr << "parkatlas publish: " << note << "\n";
    const geo::Message maps =
        result.reports ? geo::message("published_maps", "{count} committee map(s), ",
                                      {{"count", std::to_string(result.reports)}})
                       : geo::Message{};
    std::cerr << say(geo::message(
                     "published_site",
                     "wrote {path} ({profile}): {features} feature(s), {findings} finding(s), "
                     "{available} plot(s) available for supply, {maps}{tiles} tile(s) at zoom "
                     "{min}–{max}, {megabytes} MB",
                     geo::withNested({{"path", outText},
                                      {"profile", geo::toString(options.profile)},
                                      {"features", std::to_string(result.features)},
                                      {"findings", std::to_string(result.findings)},
                                      {"available", std::to_string(result.available)},
                                      {"tiles", std::to_string(result.tiles)},
                                      {"min", std::to_string(result.minZoom)},
                                      {"max", std::to_string(result.maxZoom)},
                                      {"megabytes",
                                       std::to_string((result.bytes + 512 * 1024) / (1024 * 1024))}},
                                     "maps", maps.english, maps.id, maps.parts)))
              << "\n";
    return kExitOk;
}

} // namespace parkatlas::cli
