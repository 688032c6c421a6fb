#include "app/desktop/application.h"

int main(int argc, char** argv)
{
    return parkatlas::desktop::runApplication(argc, argv);
}
