#include "app/cli/map_export.h"

#include "app/cli/command_line.h"
#include "app/cli/progress_bar.h"
#include "app/render/park_page.h"
#include "app/render/role_style_book.h"
#include "app/report/session_page.h"

#include "geo/issue.h"

#include <QGuiApplication>
#include <QString>

#include <clocale>
#include <optional>

namespace parkatlas::cli {

void ensureGuiApplication()
{
    if (QGuiApplication::instance())
        return;
    // Never a window: fonts and painting only, also where there is a display.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's notes about the desktop session (no XDG_RUNTIME_DIR under a service or in CI) mean
    // nothing to a command that writes a file; its other warnings still reach stderr.
    static const QtMessageHandler previous = qInstallMessageHandler(nullptr);
    qInstallMessageHandler(
        [](QtMsgType type, const QMessageLogContext& context, const QString& message) {
            if (message.startsWith(QLatin1String("QStandardPaths:")))
                return;
            if (previous)
                previous(type, context, message);
        });
    static int argc = 1;
    static char name[] = "parkatlas";
    static char* argv[] = {name, nullptr};
    // Kept until the process ends (never destroyed: nothing in Qt may outlive it).
    new QGuiApplication(argc, argv);
    // Qt set the C locale from the environment: keep numbers read and written with '.'.
    std::setlocale(LC_NUMERIC, "C");
}

render::PageExportResult exportParkMap(const std::shared_ptr<const geo::Park>& park,
                                       const render::PageLayout& layout, const std::string& out,
                                       render::PageFormat format, const ParkMapOptions& options,
                                       geo::IssueSink& issues)
{
    ensureGuiApplication();
    const render::RoleStyleBook book =
        render::RoleStyleBook::load(render::RoleStyleBook::defaultDirectory());
    for (const QString& problem : book.problems())
        issues.report({geo::Issue::Severity::Warning, {}, {}, -1, problem.toStdString()});
    render::ParkPageOptions page;
    page.areaMethod = options.areaMethod;
    page.findings = options.findings;
    page.previous = options.previous;
    page.diff = options.diff;
    page.source = options.source;
    std::optional<ProgressBar> bar;
    geo::ProgressCallback checkProgress;
    if (layout.table == render::PageTableKind::Findings && !options.findings) {
        bar.emplace("checking");
        checkProgress = [&bar](double done) { return bar->update(done); };
    }
    const render::PageRenderer renderer =
        options.session
            ? report::sessionPage(*options.session, park, layout, book, page, checkProgress, issues)
            : render::parkPage(park, layout, book, page, issues);
    if (bar)
        bar->finish();
    return renderer.exportTo(QString::fromStdString(out), format, options.dpi);
}

} // namespace parkatlas::cli
