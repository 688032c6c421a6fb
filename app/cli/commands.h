#pragma once

#include <string>
#include <vector>

namespace parkatlas::cli {

/// Exit codes (DESIGN.md): 0 success, 1 findings found with --fail-on-findings, 2 bad input or
/// usage, 130 interrupted.
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args);
};

/// Every subcommand, in the order `parkatlas --help` lists them.
const std::vector<Command>& commands();

int runInfo(const std::vector<std::string>& args);
int runConvert(const std::vector<std::string>& args);
int runImport(const std::vector<std::string>& args);
int runArea(const std::vector<std::string>& args);
int runCheck(const std::vector<std::string>& args);
int runAudit(const std::vector<std::string>& args);
int runLedger(const std::vector<std::string>& args);
int runIndicators(const std::vector<std::string>& args);
#ifdef PARKATLAS_WITH_MAPS
/// In parkatlas-maps only (they need Qt); parkatlas hands `map`, `report` and `sheet` over to it.
int runMap(const std::vector<std::string>& args);
int runReport(const std::vector<std::string>& args);
int runSheet(const std::vector<std::string>& args);
#endif
using CommandFunction = int (*)(const std::vector<std::string>& args);
/// parkatlas-maps registers its drawing commands (map, report, sheet) before run(); without
/// them those commands exec parkatlas-maps beside this program with the same arguments.
void registerMapCommands(CommandFunction map, CommandFunction report, CommandFunction sheet);
/// Runs parkatlas-maps (beside this program) as a child: `parkatlas-maps NAME ARGS...`, its
/// output on ours; returns its exit code (kExitInterrupted when a signal stopped it). Throws
/// when parkatlas-maps is not there or cannot be started.
int runMapsProgram(const char* name, const std::vector<std::string>& args);
int runPush(const std::vector<std::string>& args);
int runPull(const std::vector<std::string>& args);
int runDiff(const std::vector<std::string>& args);
int runSummary(const std::vector<std::string>& args);
int runHistory(const std::vector<std::string>& args);
int runPublish(const std::vector<std::string>& args);
int runMonitor(const std::vector<std::string>& args);
int runServe(const std::vector<std::string>& args);

/// The whole program: parses argv, runs the subcommand, maps exceptions to exit codes and
/// messages on stderr.
int run(int argc, char** argv);

} // namespace parkatlas::cli
