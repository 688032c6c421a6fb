#include "app/desktop/application.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"

#include <QApplication>
#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QRawFont>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <memory>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

const QString kPractice = QStringLiteral(PARKATLAS_REALDATA "/china/arcgis-engine-practice");
constexpr int kLoadTimeoutMs = 20000;

/// Share of pixels that are not white.
double inkShare(const QImage& image)
{
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    long long ink = 0;
    for (int y = 0; y < argb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x)
            if ((line[x] & 0xffffff) != 0xffffff)
                ++ink;
    }
    return argb.isNull() ? 0.0 : static_cast<double>(ink) / (argb.width() * argb.height());
}

bool sameExtent(const geo::Envelope& a, const geo::Envelope& b, double tolerance)
{
    return std::abs(a.minX - b.minX) <= tolerance && std::abs(a.maxX - b.maxX) <= tolerance &&
           std::abs(a.minY - b.minY) <= tolerance && std::abs(a.maxY - b.maxY) <= tolerance;
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private:
    /// A shown window that has loaded `sources` and drawn them once.
    std::unique_ptr<MainWindow> openWindow(const QStringList& sources)
    {
        auto window = std::make_unique<MainWindow>();
        window->resize(900, 600);
        window->canvas()->setRefreshDelay(10);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return nullptr;
        QSignalSpy ready(window.get(), &MainWindow::ready);
        window->openSources(sources);
        if (!ready.wait(kLoadTimeoutMs))
            return nullptr;
        return window;
    }

    /// Waits for the next finished render of `canvas`.
    static bool waitForRender(MapCanvas* canvas)
    {
        QSignalSpy rendered(canvas, &MapCanvas::renderFinished);
        return rendered.wait(5000);
    }

    bool havePractice() const { return QFile::exists(kPractice + "/townshp.shp"); }

private slots:
    void initTestCase() { installApplicationFonts(); }

    void opensAFolderAndListsItsLayersTopmostFirst()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        // Lines are drawn over polygons, and the list shows the topmost first.
        QCOMPARE(window->layersPanel()->layerNames(),
                 QStringList({QStringLiteral("wayshp"), QStringLiteral("townshp")}));
        QListWidget* list = window->layersPanel()->list();
        QCOMPARE(list->item(0)->text(), QStringLiteral("wayshp (211 features)"));
        QCOMPARE(list->item(1)->text(), QStringLiteral("townshp (73 features)"));
        QCOMPARE(list->item(0)->checkState(), Qt::Checked);
        QCOMPARE(QString::fromStdString(window->canvas()->crs().label()),
                 QStringLiteral("EPSG:2386"));
    }

    void reportsLayersWithoutACoordinateSystemAndSkipsThem()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        // 320100.shp and rai_4m.shp have no .prj; the map CRS comes from townshp's .prj.
        QCOMPARE(window->lastLoad().problems.size(), std::size_t(2));
        const QString messages = window->messages().join('\n');
        QVERIFY2(messages.contains("320100") && messages.contains("rai_4m"), qPrintable(messages));
        QVERIFY2(messages.contains("no coordinate system"), qPrintable(messages));
    }

    void drawsTheLayersIntoTheCanvas()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        const QImage image = window->canvas()->image();
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), window->canvas()->size() * window->canvas()->devicePixelRatioF());
        const double ink = inkShare(image);
        QVERIFY2(ink > 0.1 && ink < 0.9, qPrintable(QString::number(ink)));
        QVERIFY(sameExtent(window->canvas()->imageExtent(), window->canvas()->extent(), 1e-9));
        // The grabbed window shows it too.
        QVERIFY(inkShare(window->canvas()->grab().toImage()) > 0.1);
    }

    void wheelZoomsAtTheCursor()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        const geo::Envelope before = canvas->extent();
        const QPointF cursor(canvas->width() * 0.3, canvas->height() * 0.6);
        const QPointF mapBefore = canvas->toMap(cursor);

        QWheelEvent wheel(cursor, canvas->mapToGlobal(cursor), QPoint(), QPoint(0, 240),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(canvas, &wheel);

        const geo::Envelope after = canvas->extent();
        QVERIFY(after.width() < before.width() * 0.7); // two notches: 1.25² = 1.5625
        const QPointF mapAfter = canvas->toMap(cursor);
        QVERIFY(std::abs(mapAfter.x() - mapBefore.x()) < 1e-9 * before.width());
        QVERIFY(std::abs(mapAfter.y() - mapBefore.y()) < 1e-9 * before.height());
        // A new render comes for the new extent.
        QVERIFY(waitForRender(canvas));
        QVERIFY(sameExtent(canvas->imageExtent(), after, 1e-9));
    }

    void dragPansTheMap()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        const QPointF from(200, 200);
        const QPointF to(260, 150);
        const QPointF grabbed = canvas->toMap(from);
        const geo::Envelope before = canvas->extent();

        QMouseEvent press(QEvent::MouseButtonPress, from, canvas->mapToGlobal(from), Qt::LeftButton,
                          Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(canvas, &press);
        const QPointF middle = (from + to) / 2;
        QMouseEvent move(QEvent::MouseMove, middle, canvas->mapToGlobal(middle), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(canvas, &move);
        QMouseEvent release(QEvent::MouseButtonRelease, to, canvas->mapToGlobal(to), Qt::LeftButton,
                            Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(canvas, &release);

        const geo::Envelope after = canvas->extent();
        QVERIFY(!sameExtent(before, after, 1e-9));
        QCOMPARE(after.width(), before.width()); // panning keeps the scale
        const QPointF underPointer = canvas->toMap(to);
        QVERIFY(std::abs(underPointer.x() - grabbed.x()) < 1e-9 * before.width());
        QVERIFY(std::abs(underPointer.y() - grabbed.y()) < 1e-9 * before.height());
        QVERIFY(waitForRender(canvas));
        QVERIFY(sameExtent(canvas->imageExtent(), after, 1e-9));
    }

    void arrowKeysPanAndHomeShowsEverything()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        const geo::Envelope full = canvas->extent();
        QTest::keyClick(canvas, Qt::Key_Right);
        QVERIFY(canvas->extent().minX > full.minX);
        QTest::keyClick(canvas, Qt::Key_Up);
        QVERIFY(canvas->extent().minY > full.minY);
        QTest::keyClick(canvas, Qt::Key_Plus);
        QVERIFY(canvas->extent().width() < full.width());
        QTest::keyClick(canvas, Qt::Key_Home);
        QVERIFY(sameExtent(canvas->extent(), full, 1e-9 * full.width()));
    }

    void unTickingALayerHidesIt()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        const double inkWithBoth = inkShare(canvas->image());
        QListWidget* list = window->layersPanel()->list();
        list->item(1)->setCheckState(Qt::Unchecked); // townshp, the polygons
        QCOMPARE(canvas->layers().at(0).visible, false);
        QCOMPARE(canvas->layers().at(1).visible, true);
        QVERIFY(waitForRender(canvas));
        const double inkWithLines = inkShare(canvas->image());
        QVERIFY2(inkWithLines > 0.005 && inkWithLines < inkWithBoth / 2,
                 qPrintable(QString("%1 vs %2").arg(inkWithLines).arg(inkWithBoth)));
    }

    void statusBarShowsCursorCoordinatesAndScale()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        const QPointF at(canvas->width() / 2.0, canvas->height() / 2.0);
        QMouseEvent move(QEvent::MouseMove, at, canvas->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                         Qt::NoModifier);
        QApplication::sendEvent(canvas, &move);
        const QPointF map = canvas->toMap(at);
        auto* coordinates = window->findChild<QLabel*>("coordinatesLabel");
        QVERIFY(coordinates);
        QCOMPARE(coordinates->text(),
                 QString("%1, %2 EPSG:2386").arg(map.x(), 0, 'f', 2).arg(map.y(), 0, 'f', 2));
        auto* scale = window->findChild<QLabel*>("scaleLabel");
        QVERIFY(scale);
        QVERIFY2(scale->text().startsWith("1:"), qPrintable(scale->text()));
        // The scale follows the zoom: twice as close is half the denominator.
        const double denominator = canvas->scaleDenominator();
        canvas->zoomAt(2.0, at);
        QVERIFY(std::abs(canvas->scaleDenominator() - denominator / 2) < 1e-6 * denominator);
    }

    void opensTheSampleParkGeoPackage()
    {
        const QString sample = QStringLiteral(PARKATLAS_SAMPLE_DIR "/park.gpkg");
        if (!QFile::exists(sample))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({sample});
        QVERIFY(window);
        QVERIFY2(!window->layersPanel()->layerNames().isEmpty(),
                 qPrintable(window->messages().join('\n')));
        QVERIFY(!window->canvas()->crs().isEmpty());
        QVERIFY(inkShare(window->canvas()->image()) > 0.01);
    }

    void aMissingSourceIsReportedNotACrash()
    {
        auto window = openWindow({QStringLiteral("/nonexistent/park.gpkg")});
        QVERIFY(window);
        QVERIFY(window->layersPanel()->layerNames().isEmpty());
        const QString messages = window->messages().join('\n');
        QVERIFY2(messages.contains("no such file"), qPrintable(messages));
        // Nothing could be shown, so a (non-blocking) message box says why.
        auto* box = window->findChild<QMessageBox*>();
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QVERIFY2(box->informativeText().contains("/nonexistent/park.gpkg"),
                 qPrintable(box->informativeText()));
        box->close();
    }

    void chineseTextUsesACjkFont()
    {
        if (!QFontDatabase::families().contains("Noto Sans CJK SC"))
            QSKIP("Noto Sans CJK SC is not installed");
        QVERIFY(QApplication::font().families().contains("Noto Sans CJK SC"));
        QVERIFY(QRawFont::fromFont(QFont("Noto Sans CJK SC")).supportsCharacter(QChar(0x4E61)));
        if (!havePractice())
            QSKIP("real data not here");
        // A layer with a Chinese file name, in a folder with a Chinese name: paths go to geo/
        // as UTF-8 and the name comes back intact.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString folder = dir.filePath(QStringLiteral("园区数据"));
        QVERIFY(QDir().mkpath(folder));
        for (const char* extension : {"shp", "shx", "dbf", "prj"})
            QVERIFY(QFile::copy(kPractice + "/townshp." + extension,
                                folder + QStringLiteral("/乡镇.") + extension));
        auto window = openWindow({folder});
        QVERIFY(window);
        QCOMPARE(window->layersPanel()->layerNames(), QStringList({QStringLiteral("乡镇")}));
        QVERIFY(window->windowTitle().contains(QStringLiteral("园区数据")));
    }

    void screenshotCommandWritesThePicture()
    {
        if (!havePractice())
            QSKIP("real data not here");
        QTemporaryDir dir;
        const QString out = dir.filePath("shot.png");
        QProcess gui;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("QT_QPA_PLATFORM", "offscreen");
        gui.setProcessEnvironment(environment);
        gui.start(QStringLiteral(PARKATLAS_GUI_EXECUTABLE),
                  {"--screenshot", out, "--size", "640x480", kPractice});
        QVERIFY(gui.waitForFinished(30000));
        QCOMPARE(gui.exitStatus(), QProcess::NormalExit);
        QVERIFY2(gui.exitCode() == 0, gui.readAllStandardError().constData());
        const QImage shot(out);
        QCOMPARE(shot.size(), QSize(640, 480));
        QVERIFY(inkShare(shot) > 0.1);

        // No SOURCE: usage error, exit 2.
        gui.start(QStringLiteral(PARKATLAS_GUI_EXECUTABLE), {"--screenshot", out});
        QVERIFY(gui.waitForFinished(30000));
        QCOMPARE(gui.exitCode(), 2);
    }
};

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    MainWindowTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_main_window.moc"
