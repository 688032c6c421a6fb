#include "app/desktop/application.h"
#include "app/desktop/edit_controller.h"
#include "app/desktop/editing_ui.h"

#include "app/desktop/findings_panel.h"
#include "app/desktop/interaction_bench.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/translation.h"

#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "parkatlas_version.h"

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QFontDatabase>
#include <QPixmap>
#include <QTimer>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string_view>

namespace parkatlas::desktop {

namespace {

constexpr int kScreenshotTimeoutMs = 120000;

/// "1280x800" → QSize; invalid QSize when it does not parse.
QSize parseSize(const QString& text)
{
    const QStringList parts = text.toLower().split(QLatin1Char('x'));
    if (parts.size() != 2)
        return {};
    bool okWidth = false;
    bool okHeight = false;
    const int width = parts[0].toInt(&okWidth);
    const int height = parts[1].toInt(&okHeight);
    if (!okWidth || !okHeight || width < 100 || height < 100 || width > 10000 || height > 10000)
        return {};
    return {width, height};
}

void printError(const QString& text)
{
    std::fprintf(stderr, "parkatlas-gui: %s\n", text.toLocal8Bit().constData());
}

} // namespace

void installApplicationFonts()
{
    // The CJK faces we know to be good on screen, preferred in this order.
    static const QStringList kCjkFamilies = {
        QStringLiteral("Noto Sans CJK SC"), QStringLiteral("Source Han Sans SC"),
        QStringLiteral("WenQuanYi Micro Hei"), QStringLiteral("Microsoft YaHei")};
    const QStringList installed = QFontDatabase::families();
    QFont font = QApplication::font();
    QStringList families = font.families();
    if (families.isEmpty())
        families.append(font.family());
    for (const QString& family : kCjkFamilies)
        if (installed.contains(family) && !families.contains(family)) {
            families.append(family);
            break;
        }
    font.setFamilies(families);
    QApplication::setFont(font);
}

namespace {

/// Without a display Qt would abort with a message about the xcb plugin. --help and --version
/// need none, so they run offscreen; anything else is told how to run without a display.
bool checkDisplay(int argc, char** argv)
{
    const auto set = [](const char* name) {
        const char* value = std::getenv(name);
        return value && *value;
    };
    if (set("QT_QPA_PLATFORM") || set("DISPLAY") || set("WAYLAND_DISPLAY"))
        return true;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h" || arg == "--version" || arg == "-v") {
            qputenv("QT_QPA_PLATFORM", "offscreen");
            return true;
        }
    }
    std::fprintf(
        stderr, "parkatlas-gui: no display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                "  To draw a park without one: QT_QPA_PLATFORM=offscreen parkatlas-gui "
                "--screenshot OUT.png PARK\n"
                "  For everything else there is the command line: parkatlas --help\n"
                "parkatlas-gui：没有显示器（未设置 DISPLAY 或 WAYLAND_DISPLAY）。无显示器时出图：\n"
                "  QT_QPA_PLATFORM=offscreen parkatlas-gui --screenshot 输出.png 园区\n");
    return false;
}

} // namespace

int runApplication(int argc, char** argv)
{
    if (!checkDisplay(argc, argv))
        return 2;
    QApplication app(argc, argv);
    // Qt set the C locale from the environment; numbers in files and on the command line are
    // written with '.', whatever the desktop's language (a decimal comma would read "1.5" as 1).
    std::setlocale(LC_NUMERIC, "C");
    QApplication::setApplicationName(QStringLiteral("ParkAtlas"));
    QApplication::setOrganizationName(QStringLiteral("ParkAtlas"));
    QApplication::setApplicationVersion(QStringLiteral(PARKATLAS_VERSION));
    installApplicationFonts();
    // Chinese first: the system's language unless the user chose one (View > Language).
    if (!installTranslations(resolveLanguage(languageSetting())))
        printError(QStringLiteral("the Chinese translation could not be loaded"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "ParkAtlas viewer: draws the layers of a source."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QApplication::translate("main",
                                "Load, draw once, save the window's picture to <file> and exit."),
        QStringLiteral("file"));
    const QCommandLineOption sizeOption(
        QStringLiteral("size"),
        QApplication::translate("main", "Window size for --screenshot (default 1280x800)."),
        QStringLiteral("WxH"), QStringLiteral("1280x800"));
    const QCommandLineOption runCheckOption(
        QStringLiteral("run-check"),
        QApplication::translate("main", "With --screenshot: run the plan check and show its "
                                        "findings before taking the picture."));
    const QCommandLineOption printLayersOption(
        QStringLiteral("print-layers"),
        QApplication::translate("main", "With --screenshot: print the layer list (topmost first) "
                                        "and where the map lies in the picture."));
    parser.addOption(screenshotOption);
    parser.addOption(printLayersOption);
    parser.addOption(sizeOption);
    parser.addOption(runCheckOption);
    const QCommandLineOption benchOption(
        QStringLiteral("bench-interactions"),
        QApplication::translate("main",
                                "Load SOURCE, then time the first picture, pans, zooms and table "
                                "sorts; print one \"name milliseconds\" line each and exit "
                                "(for scripts/bench --speed)."));
    parser.addOption(benchOption);
    parser.addPositionalArgument(
        QStringLiteral("source"),
        QApplication::translate("main", "GeoPackage, shapefile, folder of shapefiles …"),
        QStringLiteral("[SOURCE...]"));
    parser.process(app); // exits on --help, --version and unknown options

    const QStringList sources = parser.positionalArguments();
    const bool screenshot = parser.isSet(screenshotOption);
    const QSize size = parseSize(parser.value(sizeOption));
    const bool bench = parser.isSet(benchOption);
    if ((screenshot || bench) && sources.isEmpty()) {
        printError(QApplication::translate("main", "--screenshot needs a SOURCE"));
        return 2;
    }
    if (!size.isValid()) {
        printError(QApplication::translate("main", "--size wants WxH, for instance 1280x800"));
        return 2;
    }

    MainWindow window;
    window.resize(screenshot || bench ? size : QSize(1280, 800));
    window.show();

    if (bench) {
        auto* timing = new InteractionBench(window, &window);
        QObject::connect(window.canvas(), &MapCanvas::pictureShown, timing,
                         &InteractionBench::noteFirstPicture);
        QObject::connect(&window, &MainWindow::ready, timing, &InteractionBench::run,
                         Qt::SingleShotConnection);
    }

    if (screenshot) {
        const QString out = parser.value(screenshotOption);
        const bool printLayers = parser.isSet(printLayersOption);
        auto save = [&, printLayers] {
            if (printLayers) {
                // For a test that looks at the picture: what the list shows, and the map's
                // rectangle in the picture ("map: x y width height").
                for (const QString& name : window.layersPanel()->layerNames())
                    std::printf("layer: %s\n", name.toUtf8().constData());
                const QRect map(window.canvas()->mapTo(&window, QPoint(0, 0)),
                                window.canvas()->size());
                std::printf("map: %d %d %d %d\n", map.x(), map.y(), map.width(), map.height());
                std::fflush(stdout);
            }
            const LoadReport& report = window.lastLoad();
            for (const std::string& problem : report.problems)
                printError(QApplication::translate("main", "not loaded: %1")
                               .arg(QString::fromStdString(problem)));
            const QPixmap picture = window.grab();
            // Encoded in memory (the format by the name's suffix), then written atomically.
            QByteArray bytes;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            bool saved = picture.save(&buffer, QFileInfo(out).suffix().toLatin1().constData());
            if (saved) {
                try {
                    geo::writeFileAtomically(out.toStdString(), [&](std::ostream& file) {
                        file.write(bytes.constData(), bytes.size());
                    });
                } catch (const geo::Error&) {
                    saved = false;
                }
            }
            if (!saved) {
                printError(QApplication::translate("main", "cannot write %1").arg(out));
                app.exit(2);
                return;
            }
            app.exit(report.layers.empty() && report.rasters.empty() ? 2 : 0);
        };
        const bool runCheck = parser.isSet(runCheckOption);
        QObject::connect(&window, &MainWindow::ready, &app, [&, save, runCheck] {
            FindingsPanel* panel = window.findingsPanel();
            if (!runCheck || panel->source().isEmpty()) {
                save();
                return;
            }
            panel->parentWidget()->raise(); // its dock
            QObject::connect(
                panel, &FindingsPanel::runFinished, &app,
                [&, save, panel] {
                    if (panel->findings().empty()) {
                        save();
                        return;
                    }
                    QObject::connect(window.canvas(), &MapCanvas::overlayRenderFinished, &app, save,
                                     Qt::SingleShotConnection);
                },
                Qt::SingleShotConnection);
            panel->run();
        });
        QTimer::singleShot(kScreenshotTimeoutMs, &app, [&] {
            printError(QApplication::translate("main", "the load or the render did not finish "
                                                       "within %1 s")
                           .arg(kScreenshotTimeoutMs / 1000));
            app.exit(3);
        });
    }
    if (!sources.isEmpty())
        window.openSources(sources);
    // Unsaved edits of a session that crashed or was killed: offered back once the window is
    // up (not when making a screenshot).
    if (!screenshot && !bench && !EditController::pendingJournals().isEmpty())
        QTimer::singleShot(0, &window, [&window] { window.editing()->offerRecovery(); });
    return app.exec();
}

} // namespace parkatlas::desktop
