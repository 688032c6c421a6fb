// Editing in the viewer (issue 8), driven as a planner drives it: simulated clicks, drags and
// keys on the canvas of a real window over a copy of the sample park's GeoPackage.

#include "app/desktop/attribute_form.h"
#include "app/desktop/edit_controller.h"
#include "app/desktop/editing_ui.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "geo/edit/edit_geometry.h"
#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/store/edit_session.h"
#include "geo/store/postgis_transfer.h"
#include "geo/units.h"
#include "tests/desktop/answer_modal.h"
#include "tests/support/mouse_input.h"

#include <QAction>
#include <QApplication>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

const QString kSamplePark = QStringLiteral(PARKATLAS_SAMPLE_DIR "/park.gpkg");
constexpr int kTimeoutMs = 20000;

/// The ellipsoidal area in m² of a polygon, measured as the engine measures (not through the
/// editor).
double areaM2(const geo::EditGeometry& geometry, const geo::Crs& crs)
{
    geo::GeometryStore store(geo::GeometryKind::Polygon);
    geometry.appendTo(store);
    geo::AreaCalculator calculator(crs, geo::AreaMethod::Ellipsoidal);
    return calculator.areaM2(store, 0);
}

geo::EditGeometry square(double x, double y, double side)
{
    geo::EditGeometry g;
    g.kind = geo::GeometryKind::Polygon;
    g.polygons.push_back({{{{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}}}});
    return g;
}

geo::Layer readLayer(const QString& gpkg, const std::string& name)
{
    geo::IssueList issues;
    geo::ReadOptions options;
    return geo::readLayer({gpkg.toStdString(), name}, options, issues);
}

QByteArray fileHash(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

/// Clicks the button named `buttonName` of the next modal message box named `boxName`.
void answerNextBox(const QString& boxName, const QString& buttonName, bool* seen = nullptr)
{
    parkatlas::testing::answerModal([=](QWidget* modal) {
        auto* box = qobject_cast<QMessageBox*>(modal);
        if (!box || box->objectName() != boxName)
            return false;
        if (seen)
            *seen = true;
        if (auto* button =
                buttonName.isEmpty() ? nullptr : box->findChild<QPushButton*>(buttonName))
            button->click();
        else
            box->reject();
        return true;
    });
}

} // namespace

class EditingTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_park; // a copy of the sample park: the tests edit it

    std::unique_ptr<MainWindow> openPark()
    {
        auto window = std::make_unique<MainWindow>();
        window->resize(1000, 700);
        window->canvas()->setRefreshDelay(10);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return nullptr;
        QSignalSpy ready(window.get(), &MainWindow::ready);
        window->openSources({m_park});
        if (!ready.wait(kTimeoutMs))
            return nullptr;
        return window;
    }

    /// Starts editing the expansion layer and shows `extent`. Returns why not ("" when done).
    static QString editExpansionWhyNot(MainWindow* window, const geo::Envelope& extent)
    {
        const int index = window->layerIndex(QStringLiteral("expansion"));
        if (index < 0) {
            QStringList names;
            for (const auto& layer : window->canvas()->layers())
                names.append(QString::fromStdString(layer.snapshot.layer->name + " " +
                                                    layer.snapshot.layer->sourcePath));
            return QStringLiteral("no expansion layer on the map: ") +
                   names.join(QLatin1String(", "));
        }
        const QString why = window->editing()->startEditing(index, true);
        if (why.isEmpty())
            window->canvas()->setExtent(extent);
        return why;
    }
    static bool editExpansion(MainWindow* window, const geo::Envelope& extent)
    {
        return editExpansionWhyNot(window, extent).isEmpty();
    }

    static QPointF pixel(MainWindow* window, double x, double y)
    {
        return window->canvas()->view().toPixel(x, y);
    }

    /// Draws a polygon through `corners` by clicks, finishing with Enter; accepts the form with
    /// `name`. Returns the new feature's fid (0 when none was added).
    static std::int64_t drawPolygon(MainWindow* window, const std::vector<geo::EditPoint>& corners,
                                    const QString& name)
    {
        EditingUi* editing = window->editing();
        editing->setTool(EditingUi::Tool::Draw);
        MapCanvas* canvas = window->canvas();
        for (const geo::EditPoint& corner : corners)
            click(canvas, pixel(window, corner.x, corner.y));
        QTest::keyClick(canvas, Qt::Key_Return);
        const auto& pending = editing->controller()->pending();
        if (pending.empty() || pending.begin()->first >= 0)
            return 0;
        const std::int64_t fid = pending.begin()->first; // the newest new feature (most negative)
        if (AttributeForm* form = editing->attributeForm()) {
            form->setValue(QStringLiteral("name"), name);
            form->accept();
        }
        return fid;
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        // Each test edits its own copy of the park and keeps its journals to itself.
        m_park = m_dir.filePath(QStringLiteral("park-%1.gpkg").arg(QTest::currentTestFunction()));
        QFile::remove(m_park);
        QVERIFY(QFile::copy(kSamplePark, m_park));
        QFile::setPermissions(m_park, QFile::ReadOwner | QFile::WriteOwner);
        const QString data =
            m_dir.filePath(QStringLiteral("xdg-%1").arg(QTest::currentTestFunction()));
        QDir(data).removeRecursively();
        QDir().mkpath(data);
        qputenv("XDG_DATA_HOME", data.toLocal8Bit());
    }

    void drawsAZoneWithLiveMuAndChecksItAtOnce()
    {
        auto window = openPark();
        QVERIFY(window);
        // North of the approved boundary, on permanent farmland (protected 1): a 100 m square.
        QVERIFY(editExpansion(window.get(), {501400, 3377200, 501700, 3377500}));
        EditingUi* editing = window->editing();
        EditController* controller = editing->controller();
        const std::size_t before = controller->currentLayer()->featureCount();
        editing->setTool(EditingUi::Tool::Draw);
        MapCanvas* canvas = window->canvas();
        const std::vector<geo::EditPoint> corners = {
            {501500, 3377300}, {501600, 3377300}, {501600, 3377400}, {501500, 3377400}};
        for (std::size_t i = 0; i < 3; ++i)
            click(canvas, pixel(window.get(), corners[i].x, corners[i].y));
        // The cursor at the fourth corner: the live figure is the whole square's.
        hover(canvas, pixel(window.get(), corners[3].x, corners[3].y));
        const double expectedM2 = areaM2(square(501500, 3377300, 100), canvas->crs());
        const double liveM2 = editing->drawTool()->measure()->areaM2();
        QVERIFY2(std::abs(liveM2 - expectedM2) <= 1e-6 * expectedM2,
                 qPrintable(QString::number(liveM2, 'f', 6)));
        auto* label = window->findChild<QLabel*>(QStringLiteral("measureLabel"));
        QVERIFY2(label->text().contains(QString::number(geo::muFromM2(expectedM2), 'f', 2)),
                 qPrintable(label->text()));
        // To look at it: PARKATLAS_EDIT_SCREENSHOT=drawing.png.
        if (const QString shot = qEnvironmentVariable("PARKATLAS_EDIT_SCREENSHOT"); !shot.isEmpty())
            window->grab().save(shot);

        QSignalSpy checked(editing, &EditingUi::checked);
        click(canvas, pixel(window.get(), corners[3].x, corners[3].y));
        QTest::keyClick(canvas, Qt::Key_Return);
        QCOMPARE(controller->currentLayer()->featureCount(), before + 1);
        const std::int64_t fid = controller->pending().begin()->first;
        QVERIFY(fid < 0);
        // The shape is the clicked corners (no snapping target within 10 px there).
        const geo::EditGeometry drawn = controller->geometryOf(fid);
        QCOMPARE(drawn.polygons.size(), std::size_t(1));
        QCOMPARE(drawn.polygons[0].rings[0].size(), std::size_t(4));
        for (std::size_t i = 0; i < 4; ++i) {
            QVERIFY(std::abs(drawn.polygons[0].rings[0][i].x - corners[i].x) <
                    canvas->view().mapUnitsPerPixel());
            QVERIFY(std::abs(drawn.polygons[0].rings[0][i].y - corners[i].y) <
                    canvas->view().mapUnitsPerPixel());
        }
        // The attribute form opened; its values become one undoable step.
        QVERIFY(editing->attributeForm());
        QVERIFY(editing->attributeForm()->setValue(QStringLiteral("name"),
                                                   QStringLiteral("北扩方案一")));
        QVERIFY(
            editing->attributeForm()->setValue(QStringLiteral("land_use"), QStringLiteral("M1")));
        editing->attributeForm()->accept();
        QCOMPARE(controller->valuesOf(fid).at("name").value_or(""), std::string("北扩方案一"));

        // The conflict check ran on the drawn zone: outside the approved boundary and on
        // permanent farmland, each by the zone's own area.
        QVERIFY(checked.wait(kTimeoutMs));
        while (checked.wait(2000)) {
        } // the attribute change is checked again
        const std::vector<geo::Finding>& findings = window->findingsPanel()->findings();
        const double drawnMu = geo::muFromM2(areaM2(drawn, canvas->crs()));
        bool outside = false;
        bool farmland = false;
        for (const geo::Finding& finding : findings) {
            QVERIFY2(std::find(finding.fids.begin(), finding.fids.end(), fid) != finding.fids.end(),
                     finding.rule.c_str());
            if (finding.rule == "outside_boundary") {
                outside = true;
                QVERIFY2(std::abs(finding.areaMu - drawnMu) <= 1e-6 * drawnMu,
                         qPrintable(QString::number(finding.areaMu, 'f', 6)));
            }
            if (finding.rule == "protected_overlap")
                farmland = std::abs(finding.areaMu - drawnMu) <= 1e-6 * drawnMu;
        }
        QVERIFY2(outside, "no outside_boundary finding");
        QVERIFY2(farmland, "no protected_overlap finding of the whole zone");
        editing->stopEditing(true);
    }

    void escInTheFormOfANewFeatureRemovesItAndLeavesTheUndoStackAsItWas()
    {
        auto window = openPark();
        QVERIFY(window);
        QVERIFY(editExpansion(window.get(), {501400, 3377200, 501700, 3377500}));
        EditingUi* editing = window->editing();
        EditController* controller = editing->controller();
        QUndoStack* undo = controller->undoStack();
        const std::size_t before = controller->currentLayer()->featureCount();
        const int stepsBefore = undo->count();
        QVERIFY(!controller->isDirty());

        // Drawn, then Esc in its form (as QGIS does): the feature is gone, no step is left to
        // undo or redo, and nothing is there to save.
        editing->setTool(EditingUi::Tool::Draw);
        MapCanvas* canvas = window->canvas();
        const std::vector<geo::EditPoint> corners = {
            {501500, 3377300}, {501600, 3377300}, {501600, 3377400}, {501500, 3377400}};
        for (const geo::EditPoint& corner : corners)
            click(canvas, pixel(window.get(), corner.x, corner.y));
        QTest::keyClick(canvas, Qt::Key_Return);
        QCOMPARE(controller->currentLayer()->featureCount(), before + 1);
        QPointer<AttributeForm> form = editing->attributeForm();
        QVERIFY(form);
        QVERIFY(QTest::qWaitForWindowExposed(form.data()));
        QTest::keyClick(form.data(), Qt::Key_Escape);
        QTRY_VERIFY(!form || !form->isVisible());
        QCOMPARE(controller->currentLayer()->featureCount(), before);
        QVERIFY(controller->pending().empty());
        QCOMPARE(undo->count(), stepsBefore);
        QVERIFY(!undo->canRedo());
        QVERIFY(!controller->isDirty());

        // Drawn again and its form cancelled with the Cancel button: the same.
        for (const geo::EditPoint& corner : corners)
            click(canvas, pixel(window.get(), corner.x, corner.y));
        QTest::keyClick(canvas, Qt::Key_Return);
        form = editing->attributeForm();
        QVERIFY(form);
        auto* buttons = form->findChild<QDialogButtonBox*>();
        QVERIFY(buttons);
        QTest::mouseClick(buttons->button(QDialogButtonBox::Cancel), Qt::LeftButton);
        QCOMPARE(controller->currentLayer()->featureCount(), before);
        QCOMPARE(undo->count(), stepsBefore);
        QVERIFY(!controller->isDirty());

        // A feature whose form is accepted stays, and its drawing and its values are two steps
        // that undo back to the start.
        const std::int64_t kept = drawPolygon(window.get(), corners, QStringLiteral("北扩方案三"));
        QVERIFY(kept < 0);
        QCOMPARE(controller->currentLayer()->featureCount(), before + 1);
        QCOMPARE(undo->count(), stepsBefore + 2);
        undo->undo();
        undo->undo();
        QCOMPARE(controller->currentLayer()->featureCount(), before);
        QVERIFY(!controller->isDirty());
        undo->redo();
        QCOMPARE(controller->currentLayer()->featureCount(), before + 1);
        editing->stopEditing(true);
    }

    void undoAndRedoKeepTheConflictCheckInStep()
    {
        auto window = openPark();
        QVERIFY(window);
        QVERIFY(editExpansion(window.get(), {501400, 3377200, 501700, 3377500}));
        EditingUi* editing = window->editing();
        FindingsPanel* panel = window->findingsPanel();
        QSignalSpy checked(editing, &EditingUi::checked);
        // North of the approved boundary, on permanent farmland: conflicts, hatched on the map.
        const std::int64_t fid = drawPolygon(
            window.get(),
            {{501500, 3377300}, {501600, 3377300}, {501600, 3377400}, {501500, 3377400}},
            QStringLiteral("北扩方案二"));
        QVERIFY(fid < 0);
        QVERIFY(checked.wait(kTimeoutMs));
        while (checked.wait(2000)) {
        } // the attribute step is checked too
        auto concernsDrawn = [&] {
            int count = 0;
            for (const geo::Finding& finding : panel->findings())
                if (finding.layer == "expansion" &&
                    std::find(finding.fids.begin(), finding.fids.end(), fid) != finding.fids.end())
                    ++count;
            return count;
        };
        auto hatched = [&] {
            std::size_t features = 0;
            for (const render::LayerSnapshot& snapshot : panel->overlay())
                features +=
                    snapshot.features ? snapshot.features->size() : snapshot.layer->featureCount();
            return features;
        };
        const int conflicts = concernsDrawn();
        QVERIFY(conflicts >= 2); // outside_boundary, protected_overlap
        QVERIFY(hatched() > 0);

        // Undo the form's values, then the drawing: the zone is gone, and so are its conflicts,
        // from the list and from the map.
        QAction* undo = editing->controller()->undoStack()->createUndoAction(this);
        QAction* redo = editing->controller()->undoStack()->createRedoAction(this);
        undo->trigger();
        undo->trigger();
        QVERIFY(editing->controller()->rowOf(fid) < 0);
        QTRY_COMPARE_WITH_TIMEOUT(concernsDrawn(), 0, 5000);
        QCOMPARE(hatched(), std::size_t(0));

        // Redo: the zone is back and checked again.
        checked.clear();
        redo->trigger();
        QVERIFY(editing->controller()->rowOf(fid) >= 0);
        QVERIFY(checked.wait(kTimeoutMs));
        QCOMPARE(concernsDrawn(), conflicts);
        QVERIFY(hatched() > 0);

        // Deleting it (a step that takes a shape away) drops its conflicts as well.
        editing->controller()->deleteFeatures({fid});
        QTRY_COMPARE_WITH_TIMEOUT(concernsDrawn(), 0, 5000);
        editing->stopEditing(true);
    }

    void snapsToVerticesAndTracesAlongABoundary()
    {
        auto window = openPark();
        QVERIFY(window);
        // A parcel with a corner i whose ring to corner i+2 is clearly shorter through i+1
        // than the other way round (tracing takes the shorter way).
        const geo::Layer parcels = readLayer(m_park, "parcels");
        std::optional<std::pair<std::size_t, std::size_t>> chosen; // row, corner
        for (std::size_t row = 0; row < parcels.featureCount() && !chosen; ++row) {
            const geo::RingView r = parcels.geometry.ring(row, 0, 0);
            const std::size_t n = r.vertexCount() - 1; // distinct corners
            if (n < 4)
                continue;
            auto edge = [&](std::size_t i) {
                const std::size_t j = (i + 1) % n;
                return std::hypot(r.x(j) - r.x(i % n), r.y(j) - r.y(i % n));
            };
            for (std::size_t i = 0; i < n && !chosen; ++i) {
                const double forward = edge(i) + edge(i + 1);
                double backward = 0;
                for (std::size_t k = 2; k < n; ++k)
                    backward += edge(i + k);
                if (forward < 0.8 * backward && edge(i) > 8 && edge(i + 1) > 8)
                    chosen = std::make_pair(row, i);
            }
        }
        QVERIFY(chosen);
        const geo::RingView parcelRing = parcels.geometry.ring(chosen->first, 0, 0);
        const std::size_t corners = parcelRing.vertexCount() - 1;
        // The three corners, renumbered 0, 1, 2 from the chosen one.
        struct Ring {
            const geo::RingView& ring;
            std::size_t first;
            std::size_t n;
            double x(std::size_t i) const { return ring.x((first + i) % n); }
            double y(std::size_t i) const { return ring.y((first + i) % n); }
        } ring{parcelRing, chosen->second, corners};
        geo::Envelope extent = parcels.geometry.envelope(chosen->first);
        QVERIFY(editExpansion(window.get(), extent));
        EditingUi* editing = window->editing();
        editing->setTool(EditingUi::Tool::Draw);
        MapCanvas* canvas = window->canvas();
        // Click 6 px beside the parcel's ring vertex 0, then beside vertex 2: snapped exactly onto
        // both, and tracing puts vertex 1 between them.
        const QPointF off(4, -4);
        click(canvas, pixel(window.get(), ring.x(0), ring.y(0)) + off);
        click(canvas, pixel(window.get(), ring.x(2), ring.y(2)) + off);
        const auto& points = editing->drawTool()->points();
        QCOMPARE(points.size(), std::size_t(3));
        QCOMPARE(points[0], (geo::EditPoint{ring.x(0), ring.y(0)}));
        QCOMPARE(points[1], (geo::EditPoint{ring.x(1), ring.y(1)}));
        QCOMPARE(points[2], (geo::EditPoint{ring.x(2), ring.y(2)}));
        // With tracing off, only the clicked (snapped) corner is added.
        editing->drawTool()->setTracing(false);
        QTest::keyClick(canvas, Qt::Key_Backspace);
        QTest::keyClick(canvas, Qt::Key_Backspace);
        QCOMPARE(points.size(), std::size_t(1));
        click(canvas, pixel(window.get(), ring.x(2), ring.y(2)) + off);
        QCOMPARE(points.size(), std::size_t(2));
        QCOMPARE(points[1], (geo::EditPoint{ring.x(2), ring.y(2)}));
        // Snapping off: the corner is where the click was.
        editing->snapper()->setEnabled(false);
        const QPointF free = pixel(window.get(), ring.x(0), ring.y(0)) + off;
        click(canvas, free);
        const QPointF map = canvas->toMap(free);
        QCOMPARE(points.back(), (geo::EditPoint{map.x(), map.y()}));
        // A point on an edge, away from vertices, snaps onto the segment.
        editing->snapper()->setEnabled(true);
        QTest::keyClick(canvas, Qt::Key_Escape);
        QVERIFY(points.empty());
        // Only visible layers are snapped to: hide all but the parcels (the plan zones' edges run
        // 2 m from the parcels' and would be nearer). The longer of the two edges, so that no
        // corner is within the tolerance.
        const int parcelsIndex = window->layerIndex(QStringLiteral("parcels"));
        for (std::size_t i = 0; i < canvas->layers().size(); ++i)
            canvas->setLayerVisible(i, static_cast<int>(i) == parcelsIndex);
        const std::size_t e = std::hypot(ring.x(1) - ring.x(0), ring.y(1) - ring.y(0)) >
                                      std::hypot(ring.x(2) - ring.x(1), ring.y(2) - ring.y(1))
                                  ? 0
                                  : 1;
        const double mx = (ring.x(e) + ring.x(e + 1)) / 2, my = (ring.y(e) + ring.y(e + 1)) / 2;
        click(canvas, pixel(window.get(), mx, my) + QPointF(0, 3));
        QCOMPARE(points.size(), std::size_t(1));
        // On the segment (collinear within rounding), not where the click was.
        const double cross = (ring.x(e + 1) - ring.x(e)) * (points[0].y - ring.y(e)) -
                             (ring.y(e + 1) - ring.y(e)) * (points[0].x - ring.x(e));
        const double length = std::hypot(ring.x(e + 1) - ring.x(e), ring.y(e + 1) - ring.y(e));
        const QPointF clicked = canvas->toMap(pixel(window.get(), mx, my) + QPointF(0, 3));
        QVERIFY(std::hypot(points[0].x - clicked.x(), points[0].y - clicked.y()) > 0.5);
        QVERIFY2(std::abs(cross / length) < 1e-6, qPrintable(QString::number(cross / length)));
        editing->stopEditing(true);
    }

    void vertexEditsUndoAndRedo()
    {
        auto window = openPark();
        QVERIFY(window);
        QVERIFY(editExpansion(window.get(), {496800, 3376900, 500000, 3377800}));
        EditingUi* editing = window->editing();
        EditController* controller = editing->controller();
        const geo::EditGeometry original = controller->geometryOf(2);
        QVERIFY(!original.isEmpty());
        const geo::EditPoint corner = original.polygons[0].rings[0][0];
        editing->setTool(EditingUi::Tool::Vertex);
        MapCanvas* canvas = window->canvas();
        // Drag a corner 100 m east and north (to empty ground: no snapping there).
        const geo::EditPoint target{corner.x + 100, corner.y + 100};
        drag(canvas, pixel(window.get(), corner.x, corner.y),
             pixel(window.get(), target.x, target.y));
        const geo::EditGeometry moved = controller->geometryOf(2);
        const geo::EditPoint now = moved.polygons[0].rings[0][0];
        QVERIFY(std::abs(now.x - target.x) < canvas->view().mapUnitsPerPixel());
        QVERIFY(std::abs(now.y - target.y) < canvas->view().mapUnitsPerPixel());
        QCOMPARE(controller->undoStack()->count(), 1);
        // Double-click the middle of the first edge: a vertex there.
        const geo::EditPoint a = moved.polygons[0].rings[0][1];
        const geo::EditPoint b = moved.polygons[0].rings[0][2];
        doubleClick(canvas, pixel(window.get(), (a.x + b.x) / 2, (a.y + b.y) / 2));
        QCOMPARE(controller->geometryOf(2).vertexCount(), moved.vertexCount() + 1);
        // Click that vertex and press Delete: gone again.
        const geo::EditGeometry inserted = controller->geometryOf(2);
        const auto added = geo::nearestVertex(inserted, {(a.x + b.x) / 2, (a.y + b.y) / 2},
                                              3 * canvas->view().mapUnitsPerPixel());
        QVERIFY(added);
        const geo::EditPoint at = inserted.path(*added)[added->vertex];
        click(canvas, pixel(window.get(), at.x, at.y));
        QTest::keyClick(canvas, Qt::Key_Delete);
        QCOMPARE(controller->geometryOf(2).vertexCount(), moved.vertexCount());
        QCOMPARE(controller->undoStack()->count(), 3);
        // Undo three times: the stored shape, exactly; redo all: the last shape.
        const geo::EditGeometry last = controller->geometryOf(2);
        for (int i = 0; i < 3; ++i)
            controller->undoStack()->undo();
        QVERIFY(controller->pending().empty());
        QCOMPARE(controller->geometryOf(2).toWkb(), original.toWkb());
        QVERIFY(!controller->isDirty());
        for (int i = 0; i < 3; ++i)
            controller->undoStack()->redo();
        QCOMPARE(controller->geometryOf(2).toWkb(), last.toWkb());
        // The map shows the edited layer.
        const auto& canvasLayer =
            canvas->layers()[static_cast<std::size_t>(editing->layerIndex())].snapshot.layer;
        QCOMPARE(canvasLayer.get(), controller->currentLayer().get());
        editing->stopEditing(true);
    }

    void splitAndMergeKeepTheArea()
    {
        auto window = openPark();
        QVERIFY(window);
        QVERIFY(editExpansion(window.get(), {496800, 3376900, 500000, 3377800}));
        EditingUi* editing = window->editing();
        EditController* controller = editing->controller();
        const geo::Crs crs = window->canvas()->crs();
        const double whole = areaM2(controller->geometryOf(2), crs);
        const std::size_t count = controller->currentLayer()->featureCount();
        // A north-south line across zone 2.
        editing->setTool(EditingUi::Tool::Split);
        MapCanvas* canvas = window->canvas();
        click(canvas, pixel(window.get(), 498400, 3376950));
        click(canvas, pixel(window.get(), 498410, 3377700));
        QTest::keyClick(canvas, Qt::Key_Return);
        QCOMPARE(controller->currentLayer()->featureCount(), count + 1);
        std::vector<std::int64_t> parts = {2};
        for (const auto& [fid, pending] : controller->pending())
            if (fid < 0)
                parts.push_back(fid);
        QCOMPARE(parts.size(), std::size_t(2));
        const double a = areaM2(controller->geometryOf(parts[0]), crs);
        const double b = areaM2(controller->geometryOf(parts[1]), crs);
        QVERIFY2(std::abs(a + b - whole) <= 1e-9 * whole,
                 qPrintable(QString::number(a + b - whole)));
        // The new piece keeps the zone's values.
        QCOMPARE(controller->valuesOf(parts[1]).at("name"), controller->valuesOf(2).at("name"));
        // Merge them back (selected on the map): one feature of the whole area.
        const int index = editing->layerIndex();
        window->selection()->setLayerSelection(
            static_cast<std::size_t>(index),
            {static_cast<std::uint32_t>(controller->rowOf(parts[0])),
             static_cast<std::uint32_t>(controller->rowOf(parts[1]))});
        window->findChild<QAction*>(QStringLiteral("mergeAction"))->trigger();
        QCOMPARE(controller->currentLayer()->featureCount(), count);
        const double merged = areaM2(controller->geometryOf(2), crs);
        QVERIFY(std::abs(merged - whole) <= 1e-9 * whole);
        // Two zones that do not touch are not merged into a single-part layer.
        QString why;
        QVERIFY(!controller->merge({1, 3}, &why));
        QVERIFY(!why.isEmpty());
        // Undo the merge and the split: back to the stored layer.
        controller->undoStack()->undo();
        QCOMPARE(controller->currentLayer()->featureCount(), count + 1);
        controller->undoStack()->undo();
        QVERIFY(controller->pending().empty());
        editing->stopEditing(true);
    }

    void saveCommitsOneTransactionAndAConflictIsPutToTheUser()
    {
        auto window = openPark();
        QVERIFY(window);
        QVERIFY(editExpansion(window.get(), {501400, 3377200, 501700, 3377500}));
        EditingUi* editing = window->editing();
        EditController* controller = editing->controller();
        const std::int64_t fid =
            drawPolygon(window.get(), {{501500, 3377300}, {501600, 3377300}, {501550, 3377380}},
                        QStringLiteral("三角方案"));
        QVERIFY(fid < 0);
        controller->changeValues(1, {{"note", std::string("已与规划局沟通")}});

        // Someone else saves zone 1 in the meantime.
        {
            auto other = geo::EditSession::open(m_park.toStdString(), "expansion");
            const geo::EditableFeature zone = other->read(1);
            geo::FeatureChange change;
            change.kind = geo::FeatureChange::Kind::Update;
            change.fid = 1;
            change.baseVersion = zone.version;
            change.values = {{"note", std::string("他人修改")}};
            other->commit({change});
        }
        const QByteArray theirs = fileHash(m_park);
        const std::size_t storedCount = readLayer(m_park, "expansion").featureCount();

        // Save: the conflict is put to the user (Cancel here); nothing of ours is written, not
        // even the new zone (one transaction).
        bool asked = false;
        answerNextBox(QStringLiteral("saveConflictBox"), QString(), &asked);
        QSignalSpy saved(editing, &EditingUi::saved);
        editing->save();
        QVERIFY(saved.wait(kTimeoutMs));
        QVERIFY(asked);
        QVERIFY(!saved.first().first().toString().isEmpty());
        QCOMPARE(fileHash(m_park), theirs);
        QCOMPARE(readLayer(m_park, "expansion").featureCount(), storedCount);
        QVERIFY(controller->isDirty()); // our edits are still there

        // Keep theirs for zone 1: the rest (the new zone) is saved.
        answerNextBox(QStringLiteral("saveConflictBox"), QStringLiteral("keepTheirsButton"));
        saved.clear();
        editing->save();
        QVERIFY(saved.wait(kTimeoutMs));
        while (!saved.isEmpty() && !saved.last().first().toString().isEmpty() &&
               saved.wait(kTimeoutMs)) {
        }
        QVERIFY2(saved.last().first().toString().isEmpty(),
                 qPrintable(saved.last().first().toString()));
        const geo::Layer stored = readLayer(m_park, "expansion");
        QCOMPARE(stored.featureCount(), storedCount + 1);
        const int note = stored.attributes.fieldIndex("note");
        const int name = stored.attributes.fieldIndex("name");
        bool found = false;
        for (std::size_t row = 0; row < stored.featureCount(); ++row) {
            if (stored.fids[row] == 1)
                QCOMPARE(stored.attributes.text(row, note), std::string("他人修改"));
            if (stored.attributes.text(row, name) == "三角方案") {
                found = true;
                const geo::EditGeometry geometry =
                    geo::EditGeometry::fromStore(stored.geometry, row);
                QCOMPARE(geometry.polygons[0].rings[0].size(), std::size_t(3));
            }
        }
        QVERIFY(found);
        // After the save the layer is read back and editing goes on, with nothing pending.
        QTRY_VERIFY_WITH_TIMEOUT(controller->isEditing() && !controller->isDirty(), kTimeoutMs);
        QVERIFY(EditController::pendingJournals().isEmpty());
        editing->stopEditing(true);
    }

    void aShapefileIsNeverEditedInPlace()
    {
        const QString folder = QStringLiteral(PARKATLAS_SAMPLE_DIR "/shp");
        auto window = std::make_unique<MainWindow>();
        window->resize(900, 600);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QSignalSpy ready(window.get(), &MainWindow::ready);
        window->openSources({folder});
        QVERIFY(ready.wait(kTimeoutMs));
        const int index = window->layerIndex(QStringLiteral("expansion"));
        QVERIFY(index >= 0);
        // Quietly (no dialog): refused with the reason; the shapefile is never edited in place.
        const QString why = window->editing()->startEditing(index, true);
        QVERIFY2(why.contains(QStringLiteral("GeoPackage")), qPrintable(why));
        QVERIFY(!window->editing()->controller()->isEditing());
        // The offered way: a GeoPackage copy of the whole folder, opened in its place, and the
        // same layer edited there; a drawn zone is saved into the copy only.
        QByteArray before;
        for (const QString& name : QDir(folder).entryList(QDir::Files, QDir::Name))
            before += fileHash(folder + QLatin1Char('/') + name);
        const QString copy = m_dir.filePath(QStringLiteral("shp-copy.gpkg"));
        QSignalSpy editingSpy(window->editing(), &EditingUi::editingChanged);
        window->editing()->editCopy(index, copy);
        QTRY_VERIFY_WITH_TIMEOUT(window->editing()->controller()->isEditing(), kTimeoutMs);
        EditController* controller = window->editing()->controller();
        QCOMPARE(controller->store(), copy.toStdString());
        QCOMPARE(controller->layerName(), std::string("expansion"));
        QCOMPARE(window->openedSources(), QStringList{copy});
        window->canvas()->setExtent({501400, 3377200, 501700, 3377500});
        QVERIFY(drawPolygon(window.get(), {{501500, 3377300}, {501600, 3377300}, {501550, 3377380}},
                            QStringLiteral("副本上的方案")) < 0);
        QSignalSpy saved(window->editing(), &EditingUi::saved);
        window->editing()->save();
        QVERIFY(saved.wait(kTimeoutMs));
        QVERIFY2(saved.first().first().toString().isEmpty(),
                 qPrintable(saved.first().first().toString()));
        QCOMPARE(readLayer(copy, "expansion").featureCount(),
                 readLayer(folder + QStringLiteral("/expansion.shp"), "expansion").featureCount() +
                     1);
        QByteArray after;
        for (const QString& name : QDir(folder).entryList(QDir::Files, QDir::Name))
            after += fileHash(folder + QLatin1Char('/') + name);
        QCOMPARE(after, before);
        QTRY_VERIFY_WITH_TIMEOUT(controller->isEditing(), kTimeoutMs);
        window->editing()->stopEditing(true);
    }

    void aChangeOnDiskByAnotherIsPutToTheUser()
    {
        auto window = openPark();
        QVERIFY(window);
        QVERIFY(editExpansion(window.get(), {501400, 3377200, 501700, 3377500}));
        EditingUi* editing = window->editing();
        EditController* controller = editing->controller();
        QVERIFY(drawPolygon(window.get(), {{501500, 3377300}, {501600, 3377300}, {501550, 3377380}},
                            QStringLiteral("我的方案")) < 0);
        // Someone else renames zone 3 in the same file.
        bool asked = false;
        answerNextBox(QStringLiteral("storeChangedBox"), QStringLiteral("reloadButton"), &asked);
        {
            auto other = geo::EditSession::open(m_park.toStdString(), "expansion");
            geo::FeatureChange change;
            change.kind = geo::FeatureChange::Kind::Update;
            change.fid = 3;
            change.baseVersion = other->read(3).version;
            change.values = {{"name", std::string("港城片区（他人改名）")}};
            other->commit({change});
        }
        // The watcher tells; Reload shows their change with my unsaved zone put back on top.
        QTRY_VERIFY_WITH_TIMEOUT(asked, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(controller->isEditing() && controller->isDirty(), kTimeoutMs);
        QCOMPARE(controller->valuesOf(3).at("name").value_or(""),
                 std::string("港城片区（他人改名）"));
        QCOMPARE(controller->pending().size(), std::size_t(1));
        const std::int64_t mine = controller->pending().begin()->first;
        QCOMPARE(controller->valuesOf(mine).at("name").value_or(""), std::string("我的方案"));
        editing->stopEditing(true);
    }

    void killedWhileEditingTheJournalIsRecovered()
    {
        // A child process edits (draws a zone by clicks) and is killed with SIGKILL once its
        // journal is on disk; this process then starts as a user would and recovers it.
        QProcess child;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("PARKATLAS_EDIT_CHILD"), m_park);
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForStarted());
        QByteArray said;
        QElapsedTimer waited;
        waited.start();
        while (!said.contains("journal written") && waited.elapsed() < 60000) {
            child.waitForReadyRead(1000);
            said += child.readAllStandardOutput();
            QVERIFY2(child.state() == QProcess::Running, said.constData());
        }
        QVERIFY2(said.contains("journal written"), said.constData());
        child.kill(); // SIGKILL: no chance to save or clean up
        QVERIFY(child.waitForFinished());
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        const std::size_t storedCount = readLayer(m_park, "expansion").featureCount();

        const QStringList journals = EditController::pendingJournals();
        QCOMPARE(journals.size(), 1);

        auto window = std::make_unique<MainWindow>();
        window->resize(1000, 700);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QSignalSpy editingSpy(window->editing(), &EditingUi::editingChanged);
        bool asked = false;
        answerNextBox(QStringLiteral("recoverBox"), QStringLiteral("recoverButton"), &asked);
        window->editing()->offerRecovery();
        QVERIFY(asked);
        QTRY_VERIFY_WITH_TIMEOUT(window->editing()->controller()->isDirty(), kTimeoutMs);
        EditController* controller = window->editing()->controller();
        QCOMPARE(controller->layerName(), std::string("expansion"));
        QCOMPARE(controller->pending().size(), std::size_t(1));
        const std::int64_t fid = controller->pending().begin()->first;
        QVERIFY(fid < 0);
        const geo::EditGeometry recovered = controller->geometryOf(fid);
        QCOMPARE(recovered.polygons.size(), std::size_t(1));
        QCOMPARE(recovered.polygons[0].rings[0].size(), std::size_t(4));
        QCOMPARE(controller->valuesOf(fid).at("name").value_or(""), std::string("断电前的方案"));
        // The old journal is gone; the recovered session keeps its own.
        QTRY_COMPARE_WITH_TIMEOUT(EditController::pendingJournals().size(), 1, kTimeoutMs);
        QSignalSpy saved(window->editing(), &EditingUi::saved);
        window->editing()->save();
        QVERIFY(saved.wait(kTimeoutMs));
        QVERIFY2(saved.first().first().toString().isEmpty(),
                 qPrintable(saved.first().first().toString()));
        QCOMPARE(readLayer(m_park, "expansion").featureCount(), storedCount + 1);
        QTRY_VERIFY_WITH_TIMEOUT(EditController::pendingJournals().isEmpty(), kTimeoutMs);
    }

    void editsAPostGisParkInPlace()
    {
        // A throwaway server (tests/postgis/throwaway-cluster.sh), the sample park pushed into
        // it, opened in the viewer by its connection string, a zone drawn and saved.
        const QString cluster = m_dir.filePath(QStringLiteral("cluster"));
        QProcess start;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("PARKATLAS_CLUSTER_OWNER"),
                           QString::number(QCoreApplication::applicationPid()));
        start.setProcessEnvironment(environment);
        QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                QFile::ReadOther | QFile::ExeOther |
                                                QFile::ReadGroup | QFile::ExeGroup);
        start.start(QStringLiteral("bash"),
                    {QStringLiteral(PARKATLAS_CLUSTER_SCRIPT), QStringLiteral("start"), cluster,
                     QStringLiteral("parkatlas"), QStringLiteral("--"), QStringLiteral("-c"),
                     QStringLiteral("fsync=off")});
        QVERIFY(start.waitForFinished(120000));
        const QString out = QString::fromUtf8(start.readAllStandardOutput()).trimmed();
        QVERIFY2(start.exitCode() == 0, qPrintable(out + start.readAllStandardError()));
        const QString port = out.section(QLatin1Char('\n'), -1);
        const QString uri =
            QStringLiteral("postgresql://postgres@127.0.0.1:%1/parkatlas").arg(port);
        struct Stop {
            QString cluster;
            ~Stop()
            {
                QProcess::execute(QStringLiteral("bash"), {QStringLiteral(PARKATLAS_CLUSTER_SCRIPT),
                                                           QStringLiteral("stop"), cluster});
            }
        } stop{cluster};
        geo::IssueList issues;
        geo::pushPark(geo::discoverPark(m_park.toStdString()), uri.toStdString(), {}, issues);
        const std::size_t stored =
            geo::EditSession::open(uri.toStdString(), "expansion")->fids().size();

        auto window = std::make_unique<MainWindow>();
        window->resize(1000, 700);
        window->canvas()->setRefreshDelay(10);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QSignalSpy ready(window.get(), &MainWindow::ready);
        window->openSources({uri});
        QVERIFY(ready.wait(kTimeoutMs));
        const QString why = editExpansionWhyNot(window.get(), {501400, 3377200, 501700, 3377500});
        QVERIFY2(why.isEmpty(), qPrintable(why));
        EditingUi* editing = window->editing();
        QCOMPARE(editing->controller()->store(), uri.toStdString());
        QVERIFY(drawPolygon(window.get(), {{501500, 3377300}, {501600, 3377300}, {501550, 3377380}},
                            QStringLiteral("服务器上的方案")) < 0);
        QSignalSpy saved(editing, &EditingUi::saved);
        answerNextBox(QStringLiteral("saveErrorBox"), QString());
        editing->save();
        QVERIFY(saved.wait(kTimeoutMs));
        QVERIFY2(saved.first().first().toString().isEmpty(),
                 qPrintable(saved.first().first().toString()));
        auto session = geo::EditSession::open(uri.toStdString(), "expansion");
        const std::vector<std::int64_t> fids = session->fids();
        QCOMPARE(fids.size(), stored + 1);
        QCOMPARE(session->read(fids.back()).values.at("name").value_or(""),
                 std::string("服务器上的方案"));
        QTRY_VERIFY_WITH_TIMEOUT(editing->controller()->isEditing(), kTimeoutMs);
        editing->stopEditing(true);
    }

public:
    /// The child of killedWhileEditingTheJournalIsRecovered: opens `park`, draws a zone by
    /// clicks, names it, says so on stdout once its journal is written, and waits to be killed.
    static int runEditChild(const QString& park)
    {
        MainWindow window;
        window.resize(1000, 700);
        window.canvas()->setRefreshDelay(10);
        window.show();
        QSignalSpy ready(&window, &MainWindow::ready);
        window.openSources({park});
        if (!ready.wait(kTimeoutMs))
            return 3;
        if (!editExpansion(&window, {501400, 3377200, 501700, 3377500}))
            return 4;
        const std::int64_t fid = drawPolygon(
            &window, {{501500, 3377300}, {501600, 3377300}, {501600, 3377400}, {501500, 3377400}},
            QStringLiteral("断电前的方案"));
        if (fid == 0)
            return 5;
        const QString journal = window.editing()->controller()->journalPath();
        if (!QFile::exists(journal))
            return 6;
        std::printf("journal written %s\n", qPrintable(journal));
        std::fflush(stdout);
        return QApplication::exec();
    }
};

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const QByteArray child = qgetenv("PARKATLAS_EDIT_CHILD");
    if (!child.isEmpty())
        return EditingTest::runEditChild(QString::fromLocal8Bit(child));
    EditingTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_editing.moc"
