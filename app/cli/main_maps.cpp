// parkatlas-maps: the whole command line with the commands that draw (map, report), which need
// Qt. `parkatlas map|report` execs this program beside it (app/cli/maps_helper.h), so that
// the other commands start without loading Qt.
#include "app/cli/commands.h"

int main(int argc, char** argv)
{
    parkatlas::cli::registerMapCommands(parkatlas::cli::runMap, parkatlas::cli::runReport);
    return parkatlas::cli::run(argc, argv);
}
