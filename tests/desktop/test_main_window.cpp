#include "app/desktop/application.h"
#include "app/desktop/attribute_form.h"
#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/audit_panel.h"
#include "app/desktop/crs_dialog.h"
#include "app/desktop/export_map_dialog.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/identify_panel.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/ledger_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/recent_files.h"
#include "app/desktop/report_exporter.h"
#include "app/desktop/translation.h"
#include "app/render/legend.h"
#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/ledger/ledgers.h"
#include "geo/measure/area.h"
#include "geo/rules/compliance.h"
#include "geo/units.h"
#include "tests/support/mouse_input.h"
#include "tests/support/test_orthophoto.h"
#include "tests/support/window_session.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QRawFont>
#include <QSet>
#include <QSettings>
#include <QStatusBar>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>
#include <QUrl>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <set>

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

const QString kSamplePark = QStringLiteral(PARKATLAS_SAMPLE_DIR "/park.gpkg");

/// A layer of the sample park read on its own (not through the window), for expectations.
geo::Layer readSampleLayer(const std::string& name)
{
    geo::IssueList issues;
    geo::ReadOptions options;
    return geo::readLayer({kSamplePark.toStdString(), name}, options, issues);
}

/// Where row `row` of `list` is, in its viewport (laid out first: a list lays out lazily).
QPoint rowCentre(QListWidget* list, int row)
{
    list->doItemsLayout();
    list->scrollToItem(list->item(row));
    return list->visualItemRect(list->item(row)).center();
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
        return openMainWindow(sources, 900, 600, kLoadTimeoutMs);
    }

    /// Waits for the next finished render of `canvas`.
    static bool waitForRender(MapCanvas* canvas)
    {
        QSignalSpy rendered(canvas, &MapCanvas::renderFinished);
        return rendered.wait(5000);
    }

    /// Runs `panel` on the park the window opened and waits for the findings.
    static bool runPanel(FindingsPanel* panel) { return runFindingsPanel(panel, kLoadTimeoutMs); }

    /// Rule → number of findings, as the panel's tree lists them.
    static std::map<QString, int> ruleCounts(const FindingsTree* tree)
    {
        std::map<QString, int> counts;
        for (int top = 0; top < tree->topLevelItemCount(); ++top) {
            const QTreeWidgetItem* ruleItem = tree->topLevelItem(top);
            const QString rule = ruleItem->toolTip(0); // the id; the text is the rule's name
            counts[rule] = ruleItem->childCount();
        }
        return counts;
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
        // 320100.shp and rai_4m.shp have no .prj; the map CRS comes from townshp's .prj. They
        // are left out until the user gives them one (the window asks: Set CRS).
        QCOMPARE(window->lastLoad().problems.size(), std::size_t(0));
        QCOMPARE(window->lastLoad().crsNeeded.size(), std::size_t(2));
        const QString messages = window->messages().join('\n');
        QVERIFY2(messages.contains("320100") && messages.contains("rai_4m"), qPrintable(messages));
        QVERIFY2(messages.contains("no coordinate system"), qPrintable(messages));
        QTRY_VERIFY(window->crsDialog() != nullptr);
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

    void layerListShowsChineseRoleNamesAndCounts()
    {
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        LayersPanel* panel = window->layersPanel();
        const int parcels = panel->layerNames().indexOf(QStringLiteral("parcels"));
        QVERIFY(parcels >= 0);
        QCOMPARE(panel->list()->item(parcels)->text(),
                 QStringLiteral("宗地 parcels (498 features)"));
        const int roads = panel->layerNames().indexOf(QStringLiteral("roads"));
        QCOMPARE(panel->list()->item(roads)->text(),
                 QStringLiteral("道路工程 roads (56 features)"));
    }

    void layerOrderFollowsMoveButtonsAndDrag()
    {
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        LayersPanel* panel = window->layersPanel();
        QListWidget* list = panel->list();
        MapCanvas* canvas = window->canvas();
        const QStringList before = panel->layerNames();

        // Pick the second row and press Move Up: it is now on top, drawn last.
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, 1));
        QCOMPARE(panel->pickedLayer(), window->layerIndex(before[1]));
        auto* up = panel->findChild<QToolButton*>(QStringLiteral("moveLayerUp"));
        QVERIFY(up && up->isEnabled());
        QTest::mouseClick(up, Qt::LeftButton);
        QCOMPARE(panel->layerNames().at(0), before[1]);
        QCOMPARE(panel->layerNames().at(1), before[0]);
        QCOMPARE(canvas->drawingOrder().back(),
                 static_cast<std::size_t>(window->layerIndex(before[1])));
        QVERIFY(waitForRender(canvas));

        // Drag the top row onto the fourth: it takes its place.
        const QString dragged = panel->layerNames().at(0);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, 0));
        std::unique_ptr<QMimeData> mime(list->model()->mimeData({list->model()->index(0, 0)}));
        const QPoint target = rowCentre(list, 3);
        QDragEnterEvent enter(target, Qt::CopyAction | Qt::MoveAction, mime.get(), Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(list->viewport(), &enter);
        QVERIFY(enter.isAccepted());
        QDragMoveEvent move(target, Qt::CopyAction | Qt::MoveAction, mime.get(), Qt::LeftButton,
                            Qt::NoModifier);
        QApplication::sendEvent(list->viewport(), &move);
        QDropEvent drop(QPointF(target), Qt::CopyAction | Qt::MoveAction, mime.get(),
                        Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(list->viewport(), &drop);
        QVERIFY(drop.isAccepted());
        QCOMPARE(list->count(), before.size());
        QCOMPARE(panel->layerNames().at(3), dragged);
        QCOMPARE(canvas->drawingOrder(), panel->drawingOrder());
        QVERIFY(waitForRender(canvas));

        // Move Down from the bottom row does nothing (the button is off).
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, list->count() - 1));
        QVERIFY(!panel->findChild<QToolButton*>(QStringLiteral("moveLayerDown"))->isEnabled());
    }

    void opacitySliderFadesThePickedLayer()
    {
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        LayersPanel* panel = window->layersPanel();
        QListWidget* list = panel->list();
        MapCanvas* canvas = window->canvas();
        auto lightness = [](const QImage& image) {
            const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
            double total = 0;
            for (int y = 0; y < rgb.height(); ++y)
                for (int x = 0; x < rgb.width(); ++x)
                    total += qGray(rgb.pixel(x, y));
            return total / (rgb.width() * rgb.height());
        };
        const double before = lightness(canvas->image());
        const int parcels = window->layerIndex(QStringLiteral("parcels"));
        const int row = panel->layerNames().indexOf(QStringLiteral("parcels"));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, row));
        QSlider* slider = panel->opacitySlider();
        QVERIFY(slider->isEnabled());
        QCOMPARE(slider->value(), 100);
        QTest::keyClick(slider, Qt::Key_PageDown);
        QTest::keyClick(slider, Qt::Key_PageDown);
        QCOMPARE(slider->value(), 50);
        QCOMPARE(canvas->layers().at(parcels).snapshot.opacity, 0.5);
        QVERIFY(waitForRender(canvas));
        const double after = lightness(canvas->image());
        QVERIFY2(after > before + 1, qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
        // Picking another layer shows its own opacity; coming back shows 50 again.
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, row == 0 ? 1 : 0));
        QCOMPARE(slider->value(), 100);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, row));
        QCOMPARE(slider->value(), 50);
    }

    void zoomToLayerByDoubleClickAndButton()
    {
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        LayersPanel* panel = window->layersPanel();
        QListWidget* list = panel->list();
        MapCanvas* canvas = window->canvas();
        const geo::Envelope full = canvas->extent();
        const int idle = window->layerIndex(QStringLiteral("idle_land"));
        const geo::Envelope idleExtent = canvas->layers().at(idle).snapshot.extent();
        const int row = panel->layerNames().indexOf(QStringLiteral("idle_land"));
        const QPoint at = rowCentre(list, row);
        QTest::mousePress(list->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseRelease(list->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, at);
        geo::Envelope shown = canvas->extent();
        QVERIFY(shown.width() < full.width() * 0.9);
        QVERIFY(shown.minX <= idleExtent.minX && shown.maxX >= idleExtent.maxX);
        QVERIFY(shown.minY <= idleExtent.minY && shown.maxY >= idleExtent.maxY);

        const int protectedRow = panel->layerNames().indexOf(QStringLiteral("protected"));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, protectedRow));
        QTest::mouseClick(panel->findChild<QToolButton*>(QStringLiteral("zoomToLayer")),
                          Qt::LeftButton);
        const geo::Envelope protectedExtent =
            canvas->layers().at(window->layerIndex(QStringLiteral("protected"))).snapshot.extent();
        shown = canvas->extent();
        QVERIFY(shown.minX <= protectedExtent.minX && shown.maxX >= protectedExtent.maxX);
        QVERIFY(shown.width() < protectedExtent.width() * 1.5 ||
                shown.height() < protectedExtent.height() * 1.5);
    }

    void droppingFilesOnTheWindowOpensThem()
    {
        auto window = std::make_unique<MainWindow>();
        window->resize(900, 600);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QMimeData text;
        text.setText(QStringLiteral("not a file"));
        QDragEnterEvent refused(QPoint(300, 300), Qt::CopyAction, &text, Qt::LeftButton,
                                Qt::NoModifier);
        QApplication::sendEvent(window.get(), &refused);
        QVERIFY(!refused.isAccepted());

        QMimeData files;
        files.setUrls({QUrl::fromLocalFile(kSamplePark)});
        QDragEnterEvent enter(QPoint(300, 300), Qt::CopyAction, &files, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QSignalSpy ready(window.get(), &MainWindow::ready);
        QDropEvent drop(QPointF(300, 300), Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &drop);
        QVERIFY(drop.isAccepted());
        QVERIFY(ready.wait(kLoadTimeoutMs));
        QVERIFY(window->layersPanel()->layerNames().contains(QStringLiteral("parcels")));
    }

    void recentFilesRemembersWhatWasOpenedAndReopensIt()
    {
        {
            auto window = openWindow({kSamplePark});
            QVERIFY(window);
            const QList<QStringList> entries = window->recentFiles()->entries();
            QVERIFY(!entries.isEmpty());
            QCOMPARE(entries.front(), QStringList{QFileInfo(kSamplePark).absoluteFilePath()});
        }
        // A new window (the next session) lists it first under File > Open Recent.
        MainWindow window;
        window.resize(900, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* menu = window.findChild<QMenu*>(QStringLiteral("recentFilesMenu"));
        QVERIFY(menu);
        QAction* first = menu->actions().value(0);
        QVERIFY(first && first->text().contains(QStringLiteral("park.gpkg")));
        QSignalSpy ready(&window, &MainWindow::ready);
        first->trigger();
        QVERIFY(ready.wait(kLoadTimeoutMs));
        QVERIFY(window.layersPanel()->layerNames().contains(QStringLiteral("parcels")));
        window.recentFiles()->clear();
        QVERIFY(window.recentFiles()->entries().isEmpty());
        QVERIFY(!menu->actions().value(0)->isEnabled()); // "(none)"
    }

    void droppingAnOrthophotoOnAnOpenParkAddsItAndKeepsTheView()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        QTemporaryDir dir;
        const QString photo = dir.filePath(QStringLiteral("ortho.tif"));
        parkatlas::testing::writeTestOrthophoto(photo.toStdString());
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        const int parkLayers = static_cast<int>(window->layersPanel()->layerNames().size());
        MapCanvas* canvas = window->canvas();
        canvas->zoomAt(4.0, QPointF(canvas->width() / 3.0, canvas->height() / 3.0));
        const geo::Envelope view = canvas->extent();

        QMimeData files;
        files.setUrls({QUrl::fromLocalFile(photo)});
        QDragEnterEvent enter(QPoint(300, 300), Qt::CopyAction, &files, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(window.get(), &enter);
        QSignalSpy ready(window.get(), &MainWindow::ready);
        QDropEvent drop(QPointF(300, 300), Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &drop);
        QVERIFY(ready.wait(kLoadTimeoutMs));
        // The park is still there, the photo under it, and the map did not jump.
        const QStringList names = window->layersPanel()->layerNames();
        QCOMPARE(static_cast<int>(names.size()), parkLayers + 1);
        QVERIFY(names.contains(QStringLiteral("parcels")));
        QCOMPARE(names.last(), QStringLiteral("ortho"));
        const geo::Envelope after = canvas->extent();
        QVERIFY(std::abs(after.minX - view.minX) < 1e-6 * view.width() &&
                std::abs(after.maxY - view.maxY) < 1e-6 * view.height());
    }

    void opensAnOrthophotoUnderTheParkLayers()
    {
        QTemporaryDir dir;
        const QString photo = dir.filePath(QStringLiteral("ortho.tif"));
        parkatlas::testing::writeTestOrthophoto(photo.toStdString());
        auto window = openWindow({kSamplePark, photo});
        QVERIFY(window);
        LayersPanel* panel = window->layersPanel();
        QListWidget* list = panel->list();
        QCOMPARE(panel->layerNames().last(), QStringLiteral("ortho")); // listed last: at the bottom
        QCOMPARE(list->item(list->count() - 1)->text(), QStringLiteral("ortho (raster 512 × 512)"));
        QCOMPARE(QString::fromStdString(window->canvas()->crs().label()),
                 QStringLiteral("EPSG:4547"));
        // The park's layers off: the photo shows where it lies, read at the overview this
        // scale needs (the test photo paints each overview its own colour).
        for (int row = 0; row + 1 < list->count(); ++row)
            list->item(row)->setCheckState(Qt::Unchecked);
        MapCanvas* canvas = window->canvas();
        QVERIFY(waitForRender(canvas));
        const double unitsPerPixel = canvas->view().mapUnitsPerPixel();
        QVERIFY2(unitsPerPixel >= 8, qPrintable(QString::number(unitsPerPixel)));
        const QPointF centre = canvas->view().toPixel(497256, 3376744);
        const QImage image = canvas->image();
        const auto& magenta = parkatlas::testing::kOrthoOverviews[2];
        QCOMPARE(image.pixel(centre.toPoint()), qRgb(magenta[0], magenta[1], magenta[2]));
        QCOMPARE(image.pixel(5, 5), qRgb(255, 255, 255));
    }

    void fieldMappingSetsTheRoleAndIsSavedInTheProject()
    {
        // The sample's parcels under a name no role is recognised by.
        QTemporaryDir dir;
        for (const char* extension : {"shp", "shx", "dbf", "prj"})
            QVERIFY(QFile::copy(QStringLiteral(PARKATLAS_SAMPLE_DIR "/shp/parcels.") + extension,
                                dir.filePath(QStringLiteral("dk2024.") + extension)));
        const QString shapefile = dir.filePath(QStringLiteral("dk2024.shp"));
        auto window = openWindow({shapefile});
        QVERIFY(window);
        LayersPanel* panel = window->layersPanel();
        QListWidget* list = panel->list();
        const int index = window->layerIndex(QStringLiteral("dk2024"));
        QVERIFY(index >= 0);
        QVERIFY(!window->canvas()->layers().at(index).snapshot.role);

        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rowCentre(list, 0));
        QTest::mouseClick(panel->findChild<QToolButton*>(QStringLiteral("fieldMapping")),
                          Qt::LeftButton);
        auto* dialog = window->findChild<FieldMappingDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->roleBox()->currentIndex(), 0); // no role yet
        // 宗地 parcels, the second role, with the keyboard.
        QTest::keyClick(dialog->roleBox(), Qt::Key_Down);
        QTest::keyClick(dialog->roleBox(), Qt::Key_Down);
        QCOMPARE(dialog->roleBox()->currentData().toString(), QStringLiteral("parcels"));
        // The survey names are found by the contract's aliases.
        QVERIFY(dialog->fieldBox(QStringLiteral("parcel_id")));
        QCOMPARE(dialog->fieldBox(QStringLiteral("parcel_id"))->currentText(),
                 QStringLiteral("ZDDM"));
        QCOMPARE(dialog->fieldBox(QStringLiteral("land_use"))->currentText(),
                 QStringLiteral("YDDM"));
        QCOMPARE(dialog->fieldBox(QStringLiteral("owner"))->currentText(), QStringLiteral("QLR"));
        // The land-use classification: detected from the YDDM codes (GB 50137 letters beside
        // 2023 numbers), or one of the four systems; the cadastre's is declared here.
        QComboBox* classification = dialog->classificationBox();
        QVERIFY(classification);
        QCOMPARE(classification->count(), 5);
        QVERIFY2(classification->itemText(0).contains(QStringLiteral("GB 50137-2011 + GTKJ-2023")),
                 qPrintable(classification->itemText(0)));
        QVERIFY(!classification->itemData(0, Qt::ToolTipRole).toString().isEmpty());
        classification->setCurrentIndex(
            classification->findData(QStringLiteral("GB/T 21010-2017")));
        QCOMPARE(classification->currentText(), QStringLiteral("GB/T 21010-2017"));

        QSignalSpy saved(window.get(), &MainWindow::projectSaved);
        auto* buttons = dialog->findChild<QDialogButtonBox*>(QStringLiteral("buttons"));
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QVERIFY(saved.wait(kLoadTimeoutMs));
        const QString project = saved.front().at(0).toString();
        QVERIFY2(saved.front().at(1).toString().isEmpty(),
                 qPrintable(saved.front().at(1).toString()));
        QCOMPARE(project, dir.filePath(QStringLiteral("dk2024.parkatlas.json")));
        QCOMPARE(window->projectPath(), project);

        // Restyled at once: listed as 宗地, filled by land use read from YDDM.
        const render::LayerSnapshot& snapshot = window->canvas()->layers().at(index).snapshot;
        QCOMPARE(snapshot.role, std::optional<geo::Role>(geo::Role::Parcels));
        QCOMPARE(snapshot.style.classField, QStringLiteral("YDDM"));
        QVERIFY2(list->item(0)->text().startsWith(QStringLiteral("宗地 dk2024")),
                 qPrintable(list->item(0)->text()));

        // The project names the layer and its fields, and opens the same again.
        const geo::ParkDefinition definition = geo::discoverPark(project.toStdString());
        const geo::ParkLayerSource* parcels = definition.find(geo::Role::Parcels);
        QVERIFY(parcels);
        QCOMPARE(QString::fromStdString(parcels->ref.datasetPath), shapefile);
        QCOMPARE(parcels->fieldMap.at("land_use"), std::string("YDDM"));
        QCOMPARE(parcels->fieldMap.at("parcel_id"), std::string("ZDDM"));
        QCOMPARE(parcels->classification, std::string("GB/T 21010-2017"));
        auto reopened = openWindow({project});
        QVERIFY(reopened);
        const int again = reopened->layerIndex(QStringLiteral("dk2024"));
        QVERIFY(again >= 0);
        QCOMPARE(reopened->canvas()->layers().at(again).snapshot.role,
                 std::optional<geo::Role>(geo::Role::Parcels));
        QCOMPARE(reopened->canvas()->layers().at(again).snapshot.style.classField,
                 QStringLiteral("YDDM"));
        QCOMPARE(reopened->projectPath(), project);
    }

    void statusBarShowsCursorCoordinatesAndScale()
    {
        if (!havePractice())
            QSKIP("real data not here");
        auto window = openWindow({kPractice});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        const QPointF at(canvas->width() / 2.0, canvas->height() / 2.0);
        hover(canvas, at);
        const QPointF map = canvas->toMap(at);
        auto* coordinates = window->findChild<QLabel*>("coordinatesLabel");
        QVERIFY(coordinates);
        QCOMPARE(coordinates->text(),
                 QString("%1, %2 EPSG:2386").arg(map.x(), 0, 'f', 2).arg(map.y(), 0, 'f', 2));
        auto* scale = window->findChild<QComboBox*>("scaleBox");
        QVERIFY(scale);
        QVERIFY2(scale->currentText().startsWith("1:"), qPrintable(scale->currentText()));
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

    void identifyGivesTheParcelWithItsMuByBothMethods()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        // Parcel fid 1 (QL2011-001) spans 497512–497642.5 E, 3373022–3373255 N.
        const QPointF inside = canvas->view().toPixel(497580, 3373140);
        click(canvas, inside);
        const auto& results = window->identifyPanel()->results();
        const auto parcel = std::find_if(results.begin(), results.end(), [](const auto& r) {
            return r.layerName == QStringLiteral("parcels");
        });
        QVERIFY2(parcel != results.end(), "no parcel under the click");
        QCOMPARE(parcel->fid, std::int64_t(1));
        // Contract fields are shown by name (宗地代码 / Parcel id), the source's field kept.
        const qsizetype parcelId = parcel->attributeSources.indexOf(QStringLiteral("parcel_id"));
        QVERIFY(parcelId >= 0);
        QCOMPARE(parcel->attributes[static_cast<std::size_t>(parcelId)].second,
                 QStringLiteral("QL2011-001"));
        QCOMPARE(parcel->attributes[static_cast<std::size_t>(parcelId)].first,
                 uiName(geo::NameGroup::Field, "parcel_id", "parcels"));
        // The expectation: the same plot read on its own and measured as `parkatlas area
        // --per-feature` does (AreaCalculator, ellipsoidal and planar, in EPSG:4547).
        const geo::Layer parcels = readSampleLayer("parcels");
        const auto row = static_cast<std::size_t>(
            std::find(parcels.fids.begin(), parcels.fids.end(), 1) - parcels.fids.begin());
        geo::AreaCalculator ellipsoidal(parcels.crs, geo::AreaMethod::Ellipsoidal);
        geo::AreaCalculator planar(parcels.crs, geo::AreaMethod::Planar);
        const double expectedEllipsoidal = ellipsoidal.areaM2(parcels.geometry, row);
        const double expectedPlanar = planar.areaM2(parcels.geometry, row);
        QVERIFY(std::abs(parcel->measurement.ellipsoidalM2 - expectedEllipsoidal) <=
                1e-9 * expectedEllipsoidal);
        QVERIFY(std::abs(parcel->measurement.planarM2 - expectedPlanar) <= 1e-9 * expectedPlanar);
        // Planar here is the shoelace of the drawn corners: 130.5 × 233 less a 8 × 8 / 2 cut.
        QVERIFY(std::abs(expectedPlanar - (130.5 * 233 - 32)) < 1e-6);
        // The panel shows the mu and names the CRS it measured in.
        auto* tree = window->identifyPanel()->tree();
        QVERIFY(tree->topLevelItemCount() == static_cast<int>(results.size()));
        const QString muText =
            QString::fromStdString(geo::formatForDisplay(geo::muFromM2(expectedEllipsoidal)));
        QVERIFY(!tree->findItems(muText, Qt::MatchExactly | Qt::MatchRecursive, 1).isEmpty());
        QVERIFY(window->findChild<QLabel*>("identifyNote")->text().contains("EPSG:4547"));
    }

    void clickSelectsInThePickedLayerAndCtrlAdds()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        const int parcels = window->layerIndex("parcels");
        QVERIFY(parcels >= 0);
        window->layersPanel()->pickLayer(parcels);
        click(canvas, canvas->view().toPixel(497580, 3373140));
        QCOMPARE(window->selection()->count(), std::size_t(1));
        QCOMPARE(window->selection()->layers().begin()->first, std::size_t(parcels));
        // Ctrl-click a second parcel adds it; Ctrl-click again removes it.
        const geo::Envelope second =
            canvas->layers()[parcels].snapshot.layer->geometry.envelope(10);
        const QPointF secondCentre = canvas->view().toPixel((second.minX + second.maxX) / 2,
                                                            (second.minY + second.maxY) / 2);
        click(canvas, secondCentre, Qt::ControlModifier);
        QCOMPARE(window->selection()->count(), std::size_t(2));
        click(canvas, secondCentre, Qt::ControlModifier);
        QCOMPARE(window->selection()->count(), std::size_t(1));
        // The overlay shows it.
        QSignalSpy overlay(canvas, &MapCanvas::overlayRenderFinished);
        QVERIFY(!canvas->overlayImage().isNull() || overlay.wait(5000));
        QVERIFY(!canvas->overlayImage().isNull());
        QTest::keyClick(canvas, Qt::Key_Escape);
        QVERIFY(window->selection()->isEmpty());
    }

    void boxSelectionCountsAndSumsMu()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        window->layersPanel()->pickLayer(window->layerIndex("parcels"));
        // Shift-drag over the whole map (the full extent has a margin around every layer).
        const QPointF from(2, 2);
        const QPointF to(canvas->width() - 3, canvas->height() - 3);
        QMouseEvent press(QEvent::MouseButtonPress, from, canvas->mapToGlobal(from), Qt::LeftButton,
                          Qt::LeftButton, Qt::ShiftModifier);
        QApplication::sendEvent(canvas, &press);
        QMouseEvent move(QEvent::MouseMove, to, canvas->mapToGlobal(to), Qt::NoButton,
                         Qt::LeftButton, Qt::ShiftModifier);
        QApplication::sendEvent(canvas, &move);
        QMouseEvent release(QEvent::MouseButtonRelease, to, canvas->mapToGlobal(to), Qt::LeftButton,
                            Qt::NoButton, Qt::ShiftModifier);
        QApplication::sendEvent(canvas, &release);
        // Found on a worker through the layer's R-tree.
        QTRY_COMPARE(window->selection()->count(), std::size_t(498));
        // data/sample/README.md: parcels 22671.63 mu (ellipsoidal), as `parkatlas area` says.
        const double mu = geo::muFromM2(window->selectedAreaM2());
        QCOMPARE(QString::fromStdString(geo::formatForDisplay(mu)), QStringLiteral("22671.63"));
        const QString status = window->findChild<QLabel*>("selectionLabel")->text();
        QVERIFY2(status.contains("498") && status.contains("22671.63"), qPrintable(status));
        // A box inside one parcel selects that parcel alone.
        window->selectInBox(geo::Envelope{497570, 3373130, 497590, 3373150});
        QTRY_COMPARE(window->selection()->count(), std::size_t(1));
    }

    void attributeTableShowsEveryFeatureAndSortsAndFilters()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        AttributeTablePanel* panel = window->attributeTablePanel();
        const int parcels = window->layerIndex("parcels");
        panel->showLayer(static_cast<std::size_t>(parcels));
        AttributeTableModel* model = panel->model();
        QCOMPARE(model->rowCount(), 498);
        const geo::Layer& layer = *model->layer();
        // The fid, the fields, and the area in 亩 (polygons).
        QCOMPARE(model->columnCount(), 2 + static_cast<int>(layer.attributes.fields().size()));
        const int idColumn = 1 + layer.attributes.fieldIndex("parcel_id");
        // A contract field by its name (geo::displayName), its id in the tooltip.
        QCOMPARE(model->headerData(idColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Parcel id"));
        QCOMPARE(model->headerData(idColumn, Qt::Horizontal, Qt::ToolTipRole).toString(),
                 QStringLiteral("parcel_id"));
        // Sort by parcel_id, descending: the rows come in descending order.
        panel->view()->sortByColumn(idColumn, Qt::DescendingOrder);
        QString previous = model->index(0, idColumn).data().toString();
        for (int row = 1; row < model->rowCount(); ++row) {
            const QString current = model->index(row, idColumn).data().toString();
            QVERIFY2(current.toUtf8() <= previous.toUtf8() || current.isEmpty(),
                     qPrintable(previous + " then " + current));
            if (!current.isEmpty())
                previous = current;
        }
        // Filter: a substring of any column, Chinese included.
        model->setFilterText(QStringLiteral("武汉天通"));
        QVERIFY(model->rowCount() >= 1 && model->rowCount() < 498);
        const int ownerColumn = 1 + layer.attributes.fieldIndex("owner");
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->index(row, ownerColumn).data().toString().contains("武汉天通"));
        model->setFilterText({});
        QCOMPARE(model->rowCount(), 498);
        // Unknown values are empty, never 0.
        const int taxColumn = 1 + layer.attributes.fieldIndex("tax");
        bool sawUnknown = false;
        for (int row = 0; row < model->rowCount() && !sawUnknown; ++row)
            sawUnknown = layer.attributes.isUnknown(model->featureAt(row), taxColumn - 1) &&
                         model->index(row, taxColumn).data().toString().isEmpty();
        QVERIFY(sawUnknown);
    }

    void tableAndMapSelectionsFollowEachOther()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        AttributeTablePanel* panel = window->attributeTablePanel();
        const auto parcels = static_cast<std::size_t>(window->layerIndex("parcels"));
        panel->showLayer(parcels);
        // Table → map.
        QItemSelectionModel* rows = panel->view()->selectionModel();
        rows->select(QItemSelection(panel->model()->index(3, 0), panel->model()->index(5, 0)),
                     QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(window->selection()->features(parcels), (std::vector<std::uint32_t>{3, 4, 5}));
        // Map → table, also after a sort moves the rows.
        window->selection()->setLayerSelection(parcels, {7, 100});
        QCOMPARE(rows->selectedRows().size(), 2);
        panel->view()->sortByColumn(0, Qt::DescendingOrder);
        QCOMPARE(rows->selectedRows().size(), 2);
        std::vector<std::size_t> shown;
        for (const QModelIndex& index : rows->selectedRows())
            shown.push_back(panel->model()->featureAt(index.row()));
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, (std::vector<std::size_t>{7, 100}));
    }

    void measureToolGivesFifteenMuForAHundredMetreSquare()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        canvas->setExtent(geo::Envelope{499900, 3374900, 500200, 3375200});
        canvas->setTool(MapCanvas::Tool::MeasureArea);
        // A 100 m square at the central meridian of EPSG:4547 (114°E), clicked corner by corner.
        const double corners[4][2] = {
            {500000, 3375000}, {500100, 3375000}, {500100, 3375100}, {500000, 3375100}};
        for (const auto& corner : corners)
            click(canvas, canvas->view().toPixel(corner[0], corner[1]));
        MeasureTool* tool = canvas->measureTool();
        QCOMPARE(tool->points().size(), std::size_t(4));
        const double mu = geo::muFromM2(tool->areaM2());
        QVERIFY2(std::abs(mu - 15.0) <= 1e-6 * 15.0, qPrintable(QString::number(mu, 'g', 17)));
        QVERIFY(std::abs(tool->lengthM() - 400.0) <= 1e-6 * 400.0);
        auto* label = window->findChild<QLabel*>("measureLabel");
        QVERIFY2(label->isVisible() || !label->text().isEmpty(), "no measure label");
        QVERIFY2(label->text().contains("15.00"), qPrintable(label->text()));
        // Esc clears.
        QTest::keyClick(canvas, Qt::Key_Escape);
        QVERIFY(tool->points().empty());
        // Distance: two clicks 100 m apart.
        canvas->setTool(MapCanvas::Tool::MeasureDistance);
        click(canvas, canvas->view().toPixel(500000, 3375000));
        click(canvas, canvas->view().toPixel(500000, 3375100));
        QVERIFY(std::abs(tool->lengthM() - 100.0) <= 1e-6 * 100.0);
    }

    void chineseTranslationLoads()
    {
        QVERIFY(installTranslations(QStringLiteral("zh_CN")));
        QCOMPARE(QCoreApplication::translate("parkatlas::desktop::MainWindow", "Layers"),
                 QStringLiteral("图层"));
        QCOMPARE(QCoreApplication::translate("parkatlas::desktop::IdentifyPanel",
                                             "Area (ellipsoidal), mu"),
                 QStringLiteral("面积（椭球），亩"));
        {
            MainWindow window;
            QCOMPARE(window.findChild<QDockWidget*>("layersDock")->windowTitle(),
                     QStringLiteral("图层"));
        }
        QVERIFY(installTranslations(QStringLiteral("en")));
        QCOMPARE(QCoreApplication::translate("parkatlas::desktop::MainWindow", "Layers"),
                 QStringLiteral("Layers"));
        QCOMPARE(resolveLanguage(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(resolveLanguage(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    }

    void chineseUiNamesRulesAndFieldsNeverByTheirIds()
    {
        // Issue 23: in the Chinese UI, every string the panels, the attribute form, the
        // identify panel, the legend and the message log show for the sample park names rules
        // and contract fields in Chinese. An ASCII-only word that is a rule id or a contract
        // field name is a leak (the id may stay in a tooltip).
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        QVERIFY(installTranslations(QStringLiteral("zh_CN")));
        struct English {
            ~English() { installTranslations(QStringLiteral("en")); }
        } restore;
        std::set<QString> forbidden;
        for (const geo::ComplianceRule rule : geo::allComplianceRules())
            forbidden.insert(QString::fromUtf8(geo::toString(rule)));
        for (const char* rule : {"land_use_too_coarse", "idle_not_started", "idle_stalled",
                                 "idle_low_coverage", "low_efficiency", geo::kCannotDecide})
            forbidden.insert(QString::fromUtf8(rule));
        for (const geo::Role role : geo::allRoles())
            for (const geo::ContractField& field : geo::contractFields(role))
                forbidden.insert(QString::fromUtf8(field.name));

        QStringList shown; // "where: text"
        auto walkTree = [&](const QString& where, const QTreeWidget* tree) {
            for (int c = 0; c < tree->columnCount(); ++c)
                shown.append(where + " header: " + tree->headerItem()->text(c));
            std::function<void(const QTreeWidgetItem*)> walk = [&](const QTreeWidgetItem* item) {
                for (int c = 0; c < item->columnCount(); ++c)
                    shown.append(where + ": " + item->text(c));
                for (int i = 0; i < item->childCount(); ++i)
                    walk(item->child(i));
            };
            for (int i = 0; i < tree->topLevelItemCount(); ++i)
                walk(tree->topLevelItem(i));
        };
        auto walkLabels = [&](const QString& where, const QWidget* widget) {
            for (const QLabel* label : widget->findChildren<QLabel*>())
                shown.append(where + " label: " + label->text());
        };

        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        FindingsPanel* check = window->findingsPanel();
        QVERIFY(runPanel(check));
        QVERIFY(check->tree()->topLevelItemCount() > 0);
        walkTree(QStringLiteral("plan check"), check->tree());
        walkLabels(QStringLiteral("plan check"), check);
        AuditPanel* audit = window->auditPanel();
        audit->asOfEdit()->setDate(QDate(2026, 6, 30));
        QVERIFY(runPanel(audit));
        QVERIFY(audit->tree()->topLevelItemCount() > 0);
        walkTree(QStringLiteral("audit"), audit->tree());
        walkLabels(QStringLiteral("audit"), audit);
        // A rule's name leads; its id stays reachable as the tooltip.
        bool named = false;
        for (int i = 0; i < check->tree()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem* item = check->tree()->topLevelItem(i);
            if (item->toolTip(0) == QLatin1String("land_use_mismatch"))
                named = item->text(0).startsWith(QStringLiteral("用地性质不符"));
        }
        QVERIFY2(named, "land_use_mismatch is listed as 用地性质不符");

        LedgerPanel* ledgers = window->ledgerPanel();
        for (const geo::LedgerKind kind : {geo::LedgerKind::Acquisition, geo::LedgerKind::Idle,
                                           geo::LedgerKind::Works, geo::LedgerKind::Supply}) {
            ledgers->setKind(kind);
            QSignalSpy finished(ledgers, &LedgerPanel::runFinished);
            ledgers->run();
            QVERIFY(finished.wait(kLoadTimeoutMs));
            const LedgerTableModel* model = ledgers->model();
            for (int c = 0; c < model->columnCount(); ++c)
                shown.append(QStringLiteral("ledger %1 header: ").arg(geo::toString(kind)) +
                             model->headerData(c, Qt::Horizontal).toString());
            walkLabels(QStringLiteral("ledger"), ledgers);
        }

        // The attribute table's column headers (issue 23: by their names, as the form).
        {
            AttributeTablePanel* table = window->attributeTablePanel();
            table->showLayer(static_cast<std::size_t>(window->layerIndex("parcels")));
            const AttributeTableModel* model = table->model();
            for (int c = 1; c < model->columnCount(); ++c)
                shown.append(QStringLiteral("attribute table header: ") +
                             model->headerData(c, Qt::Horizontal).toString());
        }

        // The attribute form of a parcel and the identify panel on one.
        const geo::Layer parcels = readSampleLayer("parcels");
        {
            AttributeForm form(parcels.attributes, geo::Role::Parcels, {});
            walkLabels(QStringLiteral("attribute form"), &form);
            bool parcelId = false;
            for (const QLabel* label : form.findChildren<QLabel*>())
                parcelId = parcelId || label->text() == QStringLiteral("宗地代码");
            QVERIFY2(parcelId, "the form asks for 宗地代码");
        }
        MapCanvas* canvas = window->canvas();
        click(canvas, canvas->view().toPixel(497580, 3373140));
        QVERIFY(!window->identifyPanel()->results().empty());
        walkTree(QStringLiteral("identify"),
                 window->identifyPanel()->findChild<QTreeWidget*>(QStringLiteral("identifyTree")));

        // The legend of what the map shows, and the message log.
        std::vector<render::LayerSnapshot> snapshots;
        for (const auto& layer : canvas->layers())
            snapshots.push_back(layer.snapshot);
        for (const render::LegendEntry& entry :
             render::legendEntries(snapshots, render::combinedExtent(snapshots)))
            shown.append(QStringLiteral("legend: ") + entry.label);
        const auto* log = window->findChild<QListWidget*>(QStringLiteral("messageList"));
        for (int i = 0; i < log->count(); ++i)
            shown.append(QStringLiteral("log: ") + log->item(i)->text());

        QStringList leaks;
        static const QRegularExpression word(QStringLiteral("[A-Za-z0-9_]+"));
        for (const QString& text : shown) {
            const QString what = text.section(QStringLiteral(": "), 1);
            for (auto match = word.globalMatch(what); match.hasNext();) {
                const QString token = match.next().captured();
                if (forbidden.count(token))
                    leaks.append(QStringLiteral("%1 [%2]").arg(text, token));
            }
        }
        QVERIFY2(shown.size() > 100, qPrintable(QString::number(shown.size())));
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));
    }

    void planCheckListsTheEngineFindingsByRule()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        FindingsPanel* panel = window->findingsPanel();
        QCOMPARE(panel->source(), kSamplePark);
        QVERIFY(runPanel(panel));

        // What `parkatlas check --format json` gives: the engine run directly.
        geo::IssueList issues;
        const geo::ParkDefinition definition = geo::discoverPark(kSamplePark.toStdString());
        geo::ComplianceOptions options;
        options.settings = geo::ComplianceSettings::load(definition.projectPath, issues);
        const geo::Park park = geo::loadPark(definition, {}, issues);
        const geo::ComplianceResult expected = geo::checkCompliance(park, options, issues);
        std::map<QString, int> expectedCounts;
        for (const geo::Finding& finding : expected.findings)
            ++expectedCounts[QString::fromStdString(finding.rule)];
        QVERIFY(!expectedCounts.empty());
        QCOMPARE(panel->findings().size(), expected.findings.size());
        QCOMPARE(ruleCounts(panel->tree()), expectedCounts);

        // A rule's row shows the mu of the land its findings concern, each plot once (a parcel
        // inside an expansion zone is outside the boundary once); rules whose findings concern
        // no area (invalid_geometry, duplicate_id in the sample) show none rather than 0.00.
        const geo::FindingsTotals totals = geo::totalsOfFindings(expected.findings, park.crs);
        for (int top = 0; top < panel->tree()->topLevelItemCount(); ++top) {
            const QTreeWidgetItem* ruleItem = panel->tree()->topLevelItem(top);
            const QString rule = ruleItem->toolTip(0);
            const geo::FindingsTotal& total = totals.of(rule.toStdString());
            QVERIFY(total.findings > 0);
            QCOMPARE(ruleItem->text(1),
                     total.withArea > 0
                         ? QString::fromStdString(geo::formatForDisplay(total.areaMu))
                         : QString());
        }
        // The summary: every rule's land counted once, cannot_decide apart (the plain sum
        // added the expansion zones once per rule).
        const QString summary =
            panel->findChild<QLabel*>(QStringLiteral("findingsSummary"))->text();
        QVERIFY2(totals.measured.areaMu < totals.measured.summedMu - 1, "the sample overlaps");
        QVERIFY2(
            summary.contains(QString::fromStdString(geo::formatForDisplay(totals.measured.areaMu))),
            qPrintable(summary));
        QVERIFY2(summary.startsWith(QStringLiteral("%1 finding").arg(totals.measured.findings)),
                 qPrintable(summary));
        QVERIFY2(
            summary.contains(QStringLiteral("%1 cannot be decided").arg(totals.undecided.findings)),
            qPrintable(summary));
        QVERIFY(expectedCounts.count(QStringLiteral("invalid_geometry")) == 1);

        // Every finding with a place is drawn in the overlay.
        QVERIFY(!window->canvas()->overlayLayers().empty());

        // The filter keeps only matching findings.
        const QString firstRule = QString::fromStdString(expected.findings.front().rule);
        panel->findChild<QLineEdit*>(QStringLiteral("findingsFilter"))->setText(firstRule);
        int shownRules = 0;
        for (int top = 0; top < panel->tree()->topLevelItemCount(); ++top)
            if (!panel->tree()->topLevelItem(top)->isHidden())
                ++shownRules;
        QVERIFY(shownRules >= 1);
        QVERIFY(shownRules < panel->tree()->topLevelItemCount() || expectedCounts.size() == 1);
    }

    void clickingAFindingZoomsTheMapToItsGeometry()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        FindingsPanel* panel = window->findingsPanel();
        panel->parentWidget()->show();
        panel->parentWidget()->raise();
        QVERIFY(runPanel(panel));

        // The smallest finding with a place: zooming to it must change the extent.
        int chosen = -1;
        for (int i = 0; i < static_cast<int>(panel->findings().size()); ++i) {
            const geo::Envelope envelope = panel->envelopeOf(i);
            if (!envelope.isEmpty() &&
                (chosen < 0 || envelope.width() < panel->envelopeOf(chosen).width()))
                chosen = i;
        }
        QVERIFY(chosen >= 0);
        const geo::Envelope target = panel->envelopeOf(chosen);
        const geo::Envelope before = window->canvas()->extent();

        FindingsTree* tree = panel->tree();
        QTreeWidgetItem* item = tree->itemForFinding(chosen);
        QVERIFY(item);
        tree->scrollToItem(item);
        const QRect rect = tree->visualItemRect(item);
        QVERIFY(rect.isValid());
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier, rect.center());
        QCOMPARE(tree->currentItem(), item);

        const geo::Envelope after = window->canvas()->extent();
        QVERIFY(!sameExtent(before, after, 1e-6));
        QVERIFY(after.minX <= target.minX && after.maxX >= target.maxX);
        QVERIFY(after.minY <= target.minY && after.maxY >= target.maxY);
        // The offending part is highlighted: the last overlay layer draws that one feature.
        bool highlighted = false;
        for (const render::LayerSnapshot& snapshot : window->canvas()->overlayLayers())
            highlighted = highlighted || (snapshot.features && snapshot.features->size() == 1);
        QVERIFY(highlighted);
    }

    void planCheckExportsCsvAndGeoPackage()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        FindingsPanel* panel = window->findingsPanel();
        QVERIFY(runPanel(panel));
        QTemporaryDir dir;
        for (const QString& name : {QStringLiteral("findings.csv"), QStringLiteral("f.gpkg")}) {
            const QString path = dir.filePath(name);
            QSignalSpy exported(panel, &FindingsPanel::exported);
            panel->exportTo(path);
            QVERIFY(exported.wait(kLoadTimeoutMs));
            QVERIFY2(exported.front().at(1).toString().isEmpty(),
                     qPrintable(exported.front().at(1).toString()));
            QVERIFY(QFileInfo(path).size() > 0);
        }
        QFile csv(dir.filePath("findings.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.read(3) == QByteArray("\xEF\xBB\xBF"));
    }

    void auditPanelListsParcelNotStartedAsOfJune2026()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        AuditPanel* panel = window->auditPanel();
        QCOMPARE(panel->asOfEdit()->date(), QDate::currentDate());
        panel->asOfEdit()->setDate(QDate(2026, 6, 30));
        QVERIFY(runPanel(panel));

        const FindingsTree* tree = panel->tree();
        bool listed = false;
        for (int top = 0; top < tree->topLevelItemCount(); ++top) {
            const QTreeWidgetItem* ruleItem = tree->topLevelItem(top);
            if (ruleItem->toolTip(0) != QLatin1String("idle_not_started"))
                continue;
            for (int row = 0; row < ruleItem->childCount(); ++row)
                listed = listed || ruleItem->child(row)->text(0) == QLatin1String("QL2024-014");
        }
        QVERIFY2(listed, "idle_not_started lists QL2024-014");
    }

    void auditPanelCountsAPlotUnderTwoRulesOnceAndCannotDecideApart()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        AuditPanel* panel = window->auditPanel();
        // QL2024-014 is both not started and barely covered on this date.
        panel->asOfEdit()->setDate(QDate(2026, 12, 4));
        QVERIFY(runPanel(panel));
        std::map<std::int64_t, double> plots;
        std::size_t measured = 0, undecided = 0;
        for (const geo::Finding& finding : panel->findings()) {
            if (finding.rule == geo::kCannotDecide) {
                ++undecided;
                continue;
            }
            ++measured;
            plots[finding.fids.front()] = finding.areaMu;
        }
        QVERIFY(plots.size() < measured);
        QVERIFY(undecided > 0);
        double once = 0;
        for (const auto& [fid, mu] : plots)
            once += mu;
        const QString summary =
            panel->findChild<QLabel*>(QStringLiteral("findingsSummary"))->text();
        QVERIFY2(summary.startsWith(QStringLiteral("%1 finding(s), %2 mu")
                                        .arg(measured)
                                        .arg(QString::fromStdString(geo::formatForDisplay(once)))),
                 qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("%1 cannot be decided").arg(undecided)),
                 qPrintable(summary));
    }

    void ledgerPanelBuildsTheAcquisitionLedgerSortsAndExports()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        LedgerPanel* panel = window->ledgerPanel();
        QCOMPARE(panel->source(), kSamplePark);
        panel->setKind(geo::LedgerKind::Acquisition);
        QCOMPARE(panel->kind(), geo::LedgerKind::Acquisition);
        QSignalSpy finished(panel, &LedgerPanel::runFinished);
        panel->run();
        QVERIFY(finished.wait(kLoadTimeoutMs));
        QVERIFY(panel->ledger());

        // What `parkatlas ledger --kind acquisition` gives: the engine run directly.
        geo::IssueList issues;
        const geo::ParkDefinition definition = geo::discoverPark(kSamplePark.toStdString());
        const geo::Park park =
            geo::loadPark(definition, {geo::rolesFor(geo::LedgerKind::Acquisition), {}}, issues);
        const geo::Ledger expected =
            geo::buildLedger(park, geo::LedgerKind::Acquisition, {}, issues);
        QVERIFY(!expected.tables.empty());
        const geo::LedgerTable& table = expected.tables.front();
        QVERIFY(!table.rows.empty());
        QVERIFY(!table.total.empty());

        LedgerTableModel* model = panel->model();
        QVERIFY(model->table());
        QCOMPARE(model->table()->id, table.id);
        QCOMPARE(static_cast<std::size_t>(model->rowCount()), table.rows.size() + 1);
        const int mu = model->columnOf("area_mu");
        QVERIFY(mu >= 0);
        const int totalRow = model->rowCount() - 1;
        QVERIFY(model->isTotalRow(totalRow));
        const auto shown = table.shown();
        QCOMPARE(model->index(totalRow, mu).data().toString(),
                 QString::fromStdString(shown.back()[static_cast<std::size_t>(mu)]));
        const double totalMu = std::get<double>(table.total[static_cast<std::size_t>(mu)]);
        QVERIFY(std::abs(model->index(totalRow, mu).data(LedgerTableModel::SortRole).toDouble() -
                         totalMu) < 0.006);
        // The notes on what was unknown are under the table.
        const auto* notes = panel->findChild<QPlainTextEdit*>(QStringLiteral("ledgerNotes"));
        QVERIFY(notes);
        for (const std::string& note : table.notes)
            QVERIFY(notes->toPlainText().contains(QString::fromStdString(note)));

        // Sorting by 亩: numerically, the total row kept last.
        QSortFilterProxyModel* proxy = panel->proxy();
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            panel->view()->sortByColumn(mu, order);
            QCOMPARE(proxy->rowCount(), model->rowCount());
            QVERIFY(
                proxy->index(proxy->rowCount() - 1, mu).data(LedgerTableModel::TotalRole).toBool());
            double previous = order == Qt::AscendingOrder ? -1e300 : 1e300;
            for (int row = 0; row + 1 < proxy->rowCount(); ++row) {
                // What the view shows, read as a number (unknown is empty: first when
                // ascending, last when descending).
                QString text = proxy->index(row, mu).data().toString();
                if (text.isEmpty())
                    continue;
                bool isNumber = false;
                const double number = text.remove(QLatin1Char(',')).toDouble(&isNumber);
                QVERIFY2(isNumber, qPrintable(text));
                QVERIFY2(order == Qt::AscendingOrder ? number >= previous : number <= previous,
                         qPrintable(proxy->index(row, mu).data().toString()));
                previous = number;
            }
        }

        // Export: CSV with the BOM through the engine's writer; XLSX a zip.
        QTemporaryDir dir;
        for (const QString& name : {QStringLiteral("ledger.csv"), QStringLiteral("ledger.xlsx")}) {
            const QString path = dir.filePath(name);
            QSignalSpy exported(panel, &LedgerPanel::exported);
            panel->exportTo(path);
            QVERIFY(exported.wait(kLoadTimeoutMs));
            QVERIFY2(exported.front().at(1).toString().isEmpty(),
                     qPrintable(exported.front().at(1).toString()));
        }
        QFile csv(dir.filePath("ledger.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.read(3) == QByteArray("\xEF\xBB\xBF"));
        QFile xlsx(dir.filePath("ledger.xlsx"));
        QVERIFY(xlsx.open(QIODevice::ReadOnly));
        QVERIFY(xlsx.read(2) == QByteArray("PK"));
    }

    void exportMapDialogPreviewsTheLayoutAndWritesAPdf()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openWindow({kSamplePark});
        QVERIFY(window);
        QAction* action = window->findChild<QAction*>(QStringLiteral("exportMapAction"));
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        QVERIFY(window->findChild<QAction*>(QStringLiteral("exportReportAction"))->isEnabled());

        ExportMapDialog dialog(kSamplePark, window->canvas()->extent());
        QSignalSpy previews(&dialog, &ExportMapDialog::previewReady);
        dialog.show();
        QVERIFY(previews.wait(kLoadTimeoutMs));
        // The land-use template, A3 landscape: wider than tall.
        QCOMPARE(dialog.templateBox()->currentText(), QStringLiteral("用地现状图"));
        QVERIFY(dialog.previewImage().width() > dialog.previewImage().height());
        QVERIFY(!dialog.previewLabel()->pixmap().isNull());

        // A change redraws the preview: A4 portrait is taller than wide.
        dialog.paperBox()->setCurrentText(QStringLiteral("A4"));
        dialog.orientationBox()->setCurrentIndex(1);
        QVERIFY(previews.wait(kLoadTimeoutMs));
        while (previews.wait(600)) {
        }
        QVERIFY(dialog.previewImage().height() > dialog.previewImage().width());
        QCOMPARE(dialog.layout().paper, QStringLiteral("A4"));
        QVERIFY(!dialog.layout().landscape);

        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString path = directory.filePath(QStringLiteral("图.pdf"));
        QSignalSpy exported(&dialog, &ExportMapDialog::exportFinished);
        dialog.titleEdit()->setText(QStringLiteral("{park}测试图"));
        dialog.exportTo(path);
        QVERIFY(exported.wait(kLoadTimeoutMs));
        QCOMPARE(exported.at(0).at(1).toString(), QString());
        QFile pdf(path);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QCOMPARE(pdf.read(5), QByteArray("%PDF-"));
        // Nothing left under a temporary name.
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files).size(), 1);

        // A folder that is not there: the error names the file, and nothing is written.
        const QString nowhere = directory.filePath(QStringLiteral("没有的文件夹/图.pdf"));
        dialog.exportTo(nowhere);
        QVERIFY(exported.wait(kLoadTimeoutMs));
        QCOMPARE(exported.at(1).at(0).toString(), nowhere);
        const QString error = exported.at(1).at(1).toString();
        QVERIFY2(error.contains(nowhere) && error.contains(QStringLiteral("cannot write the page")),
                 qPrintable(error));
        QVERIFY(!QFileInfo::exists(directory.filePath(QStringLiteral("没有的文件夹"))));
    }

    void exportReportWritesTheCommitteePackAndNeverOverwritesAFullFolder()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString folder = directory.filePath(QStringLiteral("委员会材料"));
        ReportExporter exporter;
        QSignalSpy finished(&exporter, &ReportExporter::finished);
        exporter.start(kSamplePark, folder, false, QDate(2026, 6, 30));
        QVERIFY(finished.wait(kLoadTimeoutMs * 2));
        ReportOutcome outcome = finished.at(0).at(1).value<ReportOutcome>();
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        const QStringList maps = QDir(folder).entryList({QStringLiteral("*.pdf")}, QDir::Files);
        QCOMPARE(maps.size(), 5);
        QVERIFY(QFile::exists(folder + QStringLiteral("/findings.gpkg")));
        QVERIFY(QFile::exists(folder + QStringLiteral("/ledger_acquisition.xlsx")));

        // Again into the same (now full) folder without replace: refused, folder untouched.
        const QDateTime stamp = QFileInfo(folder + QStringLiteral("/清单.txt")).lastModified();
        exporter.start(kSamplePark, folder, false, QDate(2026, 6, 30));
        QVERIFY(finished.wait(kLoadTimeoutMs * 2));
        outcome = finished.at(1).at(1).value<ReportOutcome>();
        QVERIFY(!outcome.error.isEmpty());
        QCOMPARE(QFileInfo(folder + QStringLiteral("/清单.txt")).lastModified(), stamp);
        QCOMPARE(QDir(directory.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);
    }

    void wholeWindowUnderXvfbShowsTheParkAndItsLayers()
    {
        // The real application on a real X server (Xvfb), not the offscreen platform: its
        // picture and its layer list.
        const QString xvfbRun = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
        QVERIFY2(!xvfbRun.isEmpty(), "xvfb-run is missing: scripts/setup installs xvfb and xauth");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("window.png"));
        QProcess gui;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        environment.remove(QStringLiteral("DISPLAY"));
        gui.setProcessEnvironment(environment);
        gui.start(xvfbRun,
                  {QStringLiteral("-a"), QStringLiteral("-s"),
                   QStringLiteral("-screen 0 1600x1000x24"),
                   QStringLiteral(PARKATLAS_GUI_EXECUTABLE), QStringLiteral("--screenshot"), out,
                   QStringLiteral("--size"), QStringLiteral("1280x800"),
                   QStringLiteral("--print-layers"), kSamplePark});
        QVERIFY(gui.waitForFinished(90000));
        const QString errors = QString::fromUtf8(gui.readAllStandardError());
        QVERIFY2(gui.exitStatus() == QProcess::NormalExit && gui.exitCode() == 0,
                 qPrintable(errors));

        QStringList layers;
        QRect map;
        for (const QString& line : QString::fromUtf8(gui.readAllStandardOutput()).split('\n')) {
            if (line.startsWith(QStringLiteral("layer: ")))
                layers.append(line.mid(7));
            if (line.startsWith(QStringLiteral("map: "))) {
                const QStringList numbers = line.mid(5).split(' ');
                map = QRect(numbers.value(0).toInt(), numbers.value(1).toInt(),
                            numbers.value(2).toInt(), numbers.value(3).toInt());
            }
        }
        // Topmost first, in the drawing order of styles/roles.json.
        QCOMPARE(layers, QStringList({"boundary", "facilities", "pipelines", "roads", "protected",
                                      "buildings", "expansion", "idle_land", "acquisition",
                                      "parcels", "plan_zones"}));
        const QImage shot = QImage(out).convertToFormat(QImage::Format_RGB32);
        QCOMPARE(shot.size(), QSize(1280, 800));
        QVERIFY2(map.width() > 400 && map.height() > 300 &&
                     QRect(QPoint(0, 0), shot.size()).contains(map),
                 qPrintable(QStringLiteral("map %1,%2 %3×%4")
                                .arg(map.x())
                                .arg(map.y())
                                .arg(map.width())
                                .arg(map.height())));

        // Industrial land (M1 #C8A582, M2 #BB9674 in styles/landuse.json, the sample's most
        // common codes) fills much of the map and nothing outside it.
        auto isIndustrial = [](QRgb pixel) {
            for (const QColor colour : {QColor(0xC8, 0xA5, 0x82), QColor(0xBB, 0x96, 0x74)})
                if (std::abs(qRed(pixel) - colour.red()) <= 24 &&
                    std::abs(qGreen(pixel) - colour.green()) <= 24 &&
                    std::abs(qBlue(pixel) - colour.blue()) <= 24)
                    return true;
            return false;
        };
        long long inside = 0;
        long long outside = 0;
        QSet<QRgb> colours;
        for (int y = 0; y < shot.height(); ++y)
            for (int x = 0; x < shot.width(); ++x) {
                const QRgb pixel = shot.pixel(x, y);
                colours.insert(pixel);
                if (isIndustrial(pixel))
                    ++(map.contains(x, y) ? inside : outside);
            }
        QVERIFY2(colours.size() > 200, qPrintable(QString::number(colours.size()))); // not blank
        const double share = static_cast<double>(inside) / (map.width() * map.height());
        QVERIFY2(share > 0.05, qPrintable(QString::number(share)));
        QVERIFY2(outside < inside / 50,
                 qPrintable(QStringLiteral("%1 %2").arg(outside).arg(inside)));
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

    void aBallparkTransformIsToldInTheMessagesAndTheStatusBar()
    {
        // The sample's GBK shapefiles (shp.parkatlas.json): their protected areas are in Xi'an 1980 and the map in CGCS2000: PROJ has no
        // published shift between the two, so the viewer draws them tens of metres off at worst
        // and must say so, as `check` and the map footnote do, in the user's language.
        const QString project = QStringLiteral(PARKATLAS_SAMPLE_DIR "/shp.parkatlas.json");
        const auto told = [](MainWindow& window, const QString& word) {
            QStringList said;
            for (const QString& text : window.messages())
                if (text.contains(word))
                    said.append(text);
            return said;
        };
        {
            auto window = openWindow({project});
            QVERIFY(window);
            const QStringList said = told(*window, QStringLiteral("ballpark"));
            QVERIFY2(said.size() == 1, qPrintable(window->messages().join('\n')));
            QVERIFY2(said.front().contains(QStringLiteral("protected")) &&
                         said.front().contains(QStringLiteral("Xian 1980")),
                     qPrintable(said.front()));
            const QString status = window->statusBar()->currentMessage();
            QVERIFY2(status.contains(QStringLiteral("1 layer(s) transformed approximately")),
                     qPrintable(status));
        }
        // Layers read in the map's own CRS say nothing of the kind.
        {
            auto window = openWindow({QStringLiteral(PARKATLAS_SAMPLE_DIR "/shp/parcels.shp"),
                                      QStringLiteral(PARKATLAS_SAMPLE_DIR "/shp/roads.shp")});
            QVERIFY(window);
            QVERIFY2(told(*window, QStringLiteral("ballpark")).isEmpty(),
                     qPrintable(window->messages().join('\n')));
            QVERIFY(!window->statusBar()->currentMessage().contains(QStringLiteral("approximately")));
        }
        QVERIFY(installTranslations(QStringLiteral("zh_CN")));
        struct English {
            ~English() { installTranslations(QStringLiteral("en")); }
        } restore;
        auto window = openWindow({project});
        QVERIFY(window);
        QVERIFY2(told(*window, QStringLiteral("近似转换")).size() == 1,
                 qPrintable(window->messages().join('\n')));
        const QString status = window->statusBar()->currentMessage();
        QVERIFY2(status.contains(QStringLiteral("近似转换")), qPrintable(status));
    }
};

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Settings (recent files, language) in a folder of their own, not the user's.
    QTemporaryDir settings;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
    QApplication::setOrganizationName(QStringLiteral("ParkAtlasTests"));
    MainWindowTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_main_window.moc"
