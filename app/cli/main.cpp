#include "app/cli/commands.h"

int main(int argc, char** argv)
{
    return parkatlas::cli::run(argc, argv);
}
