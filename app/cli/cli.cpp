#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/progress_bar.h"

#include "geo/error.h"
#include "geo/io/source.h"
#include "geo/progress.h"
#include "geo/styles.h"

#include "parkatlas_version.h"

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace parkatlas::cli {

namespace {

CommandFunction g_mapCommand = nullptr;
CommandFunction g_reportCommand = nullptr;
CommandFunction g_sheetCommand = nullptr;

/// parkatlas-maps beside this program; throws when it is not there.
std::filesystem::path mapsProgram()
{
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::path self = fs::read_symlink("/proc/self/exe", error);
    const fs::path helper = self.parent_path() / "parkatlas-maps";
    if (error || !fs::exists(helper))
        throw std::runtime_error("the map commands are in parkatlas-maps, which is not beside "
                                 "this program (looked for " +
                                 helper.string() + ")");
    return helper;
}

/// argv for parkatlas-maps NAME ARGS...; `words` keeps the strings.
std::vector<char*> mapsArgv(std::vector<std::string>& words)
{
    std::vector<char*> argv;
    for (std::string& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    return argv;
}

/// Replaces this process with parkatlas-maps (beside this program) running `name` with `args`.
/// Returns only by throwing.
[[noreturn]] void execMapsProgram(const char* name, const std::vector<std::string>& args)
{
    const std::filesystem::path helper = mapsProgram();
    std::vector<std::string> words{helper.string(), name};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv = mapsArgv(words);
    std::cout.flush();
    std::cerr.flush();
    ::execv(helper.c_str(), argv.data());
    throw std::runtime_error("could not start " + helper.string() + ": " + std::strerror(errno));
}

[[maybe_unused]] int runMapCommand(const std::vector<std::string>& args)
{
    if (g_mapCommand)
        return g_mapCommand(args);
    execMapsProgram("map", args);
}

[[maybe_unused]] int runReportCommand(const std::vector<std::string>& args)
{
    if (g_reportCommand)
        return g_reportCommand(args);
    execMapsProgram("report", args);
}

[[maybe_unused]] int runSheetCommand(const std::vector<std::string>& args)
{
    if (g_sheetCommand)
        return g_sheetCommand(args);
    execMapsProgram("sheet", args);
}

} // namespace

int runMapsProgram(const char* name, const std::vector<std::string>& args)
{
    const std::filesystem::path helper = mapsProgram();
    std::vector<std::string> words{helper.string(), name};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv = mapsArgv(words);
    std::cout.flush();
    std::cerr.flush();
    pid_t child = -1;
    if (const int failed = ::posix_spawn(&child, helper.c_str(), nullptr, nullptr, argv.data(),
                                         environ))
        throw std::runtime_error("could not start " + helper.string() + ": " +
                                 std::strerror(failed));
    int status = 0;
    while (::waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            throw std::runtime_error("lost " + helper.string() + ": " + std::strerror(errno));
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)
               ? kExitInterrupted
               : kExitBadInput;
}

void registerMapCommands(CommandFunction map, CommandFunction report, CommandFunction sheet)
{
    g_mapCommand = map;
    g_reportCommand = report;
    g_sheetCommand = sheet;
}

const std::vector<Command>& commands()
{
    static const std::vector<Command> list = {
        {"info", "layers, CRS, counts, encoding, extent and fields of any source", runInfo},
        {"area", "areas in m², mu and ha (lengths of lines), per layer, field or feature", runArea},
        {"check", "flag every plot against the plan: land use, boundary, red lines …", runCheck},
        {"audit", "idle-land audit (闲置土地认定) as of a date, clause by clause", runAudit},
        {"ledger", "ledgers (台账): acquisition, idle land, works, land supply", runLedger},
        {"indicators", "TD/T 1029 land-use intensity indicators of the park", runIndicators},
        {"convert", "convert a source (for instance GBK shapefiles) into a UTF-8 GeoPackage",
         runConvert},
        {"import", "build a park from CAD drawings (DXF), geodatabases and other sources",
         runImport},
#ifdef PARKATLAS_WITH_MAPS
        {"map", "a map page (PDF, SVG, PNG) for the committee: legend, scale, table in mu",
         runMapCommand},
        {"report", "the committee pack: template maps, ledgers and findings in one folder",
         runReportCommand},
#endif
        {"push", "publish a park into a PostgreSQL + PostGIS schema", runPush},
        {"pull", "bring a park published in PostGIS back into a GeoPackage", runPull},
        {"diff", "what changed between two parks, and the period's work (进展)", runDiff},
        {"summary", "the work summary's numbers for a period, with targets, 完成率 and 同比",
         runSummary},
        {"history", "what was changed in a park, when, by whom and by which command", runHistory},
#ifdef PARKATLAS_WITH_MAPS
        {"sheet", "parcel sheets (宗地图, 界址点成果表), one per plot, in one PDF or a folder",
         runSheetCommand},
#endif
        {"publish", "the park as a static web map (vector tiles, MapLibre) for tablets and sites",
         runPublish},
        {"monitor", "the annual 开发区土地集约利用监测统计: land classes, indicators, zone type",
         runMonitor},
        {"serve", "serve a published site (or publish a park and serve it) on 127.0.0.1",
         runServe},
    };
    return list;
}

namespace {

void printOverview(std::ostream& out)
{
    if (geo::languageFromEnvironment() == geo::Language::Chinese) {
        out << "parkatlas —— 产业园区（开发区 / 工业园区）的地图、亩面积与核查\n\n"
               "用法：parkatlas 命令 [参数]（各命令的说明：parkatlas 命令 --help）\n\n"
               "命令：\n";
        for (const Command& command : commands()) {
            std::string name = command.name;
            out << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ')
                << geo::messagePartText(command.summary, geo::Language::Chinese) << "\n";
        }
        out << "\n退出码：0 成功，1 有问题（配合 --fail-on-findings），2 输入或用法有误。\n";
        return;
    }
    out << "parkatlas — maps, areas in mu and audits for industrial parks (开发区 / 工业园区)\n\n"
           "usage: parkatlas COMMAND [ARGS] (parkatlas COMMAND --help for each)\n\n"
           "commands:\n";
    for (const Command& command : commands()) {
        std::string name = command.name;
        out << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ')
            << command.summary << "\n";
    }
    out << "\nExit codes: 0 success, 1 findings (with --fail-on-findings), 2 bad input or usage.\n";
}

/// The version, the libraries' versions and where the style files come from: what a bug report
/// needs, and how a user sees which styles an installed program reads.
void printVersion(std::ostream& out)
{
    out << "parkatlas " << PARKATLAS_VERSION << "\n"
        << "GDAL " << GDALVersionInfo("RELEASE_NAME") << ", GEOS " << GEOSversion() << ", PROJ "
        << proj_info().version << "\n";
    std::string styles;
    try {
        styles = geo::stylesDirectory();
    } catch (const geo::Error& error) {
        styles = std::string("none found: ") + error.what();
    }
    out << "styles: " << styles << "\n";
    const std::string own = geo::userDataDirectory();
    std::error_code error;
    if (!own.empty() && std::filesystem::is_directory(own + "/styles", error))
        out << "your styles (replace the installed ones file by file): " << own << "/styles\n";
    if (!own.empty() && std::filesystem::is_directory(own + "/layouts", error))
        out << "your page templates: " << own << "/layouts\n";
}

} // namespace

int run(int argc, char** argv)
{
    installInterruptHandler();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printOverview(std::cerr);
        return kExitBadInput;
    }
    const std::string name = args.front();
    if (name == "--help" || name == "-h" || name == "help") {
        printOverview(std::cout);
        return kExitOk;
    }
    if (name == "--version" || name == "-V") {
        printVersion(std::cout);
        return kExitOk;
    }
    args.erase(args.begin());
    for (const Command& command : commands()) {
        if (name != command.name)
            continue;
        try {
            return command.run(args);
        } catch (const UsageError& error) {
            // Said as a phrase of styles/messages.json where it has one (under a zh locale).
            std::cerr << "parkatlas " << name << ": " << say(geo::Message{{}, {}, error.what()})
                      << "\n"
                      << say(geo::message("see_help", "(see parkatlas {command} --help)",
                                          {{"command", name}}))
                      << "\n";
            return kExitBadInput;
        } catch (const geo::Cancelled&) {
            std::cerr << "parkatlas " << name << ": "
                      << say(geo::message("interrupted", "interrupted; nothing was written"))
                      << "\n";
            return kExitInterrupted;
        } catch (const geo::Error& error) {
            std::cerr << "parkatlas " << name << ": " << errorText(error) << "\n";
            return kExitBadInput;
        } catch (const std::exception& error) {
            std::cerr << "parkatlas " << name << ": "
                      << say(geo::message("error_says", "error: {text}",
                                          {{"text", error.what()}}))
                      << "\n";
            return kExitBadInput;
        }
    }
    std::cerr << "parkatlas: "
              << say(geo::message("unknown_command", "unknown command '{command}'",
                                  {{"command", name}}))
              << "\n\n";
    printOverview(std::cerr);
    return kExitBadInput;
}

} // namespace parkatlas::cli
