// parkatlas-maps: the whole command line with the commands that draw (map, report, sheet), which need
// Qt. `parkatlas map|report|sheet` execs this program beside it (app/cli/cli.cpp), so that
// the other commands start without loading Qt.
#include "app/cli/commands.h"

int main(int argc, char** argv)
{
    parkatlas::cli::registerMapCommands(parkatlas::cli::runMap, parkatlas::cli::runReport,
                                        parkatlas::cli::runSheet);
    return parkatlas::cli::run(argc, argv);
}
