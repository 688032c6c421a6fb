// The Changes panel (issue 17, item 4), driven through the real window, offscreen: the sample
// park against its second half-year (data/sample/README.md lists the changes), a copy of the
// sample between two dates of a history recorded in it, and a cancelled comparison.
#include "app/desktop/changes_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "geo/diff/park_diff.h"
#include "geo/gdal_session.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/store/history.h"
#include "geo/units.h"
#include "tests/support/window_session.h"

#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <set>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

constexpr int kLoadTimeoutMs = 60000;
constexpr int kCompareTimeoutMs = 120000;
const QString kSampleDir = QStringLiteral(PARKATLAS_SAMPLE_DIR);
const QString kSamplePark = kSampleDir + QStringLiteral("/park.gpkg");
const QString kSecondHalf = kSampleDir + QStringLiteral("/park-2026H2.gpkg");

bool compare(ChangesPanel* panel)
{
    QSignalSpy finished(panel, &ChangesPanel::runFinished);
    panel->run();
    return finished.wait(kCompareTimeoutMs);
}

/// Every item row of the tree, as (role row text, row).
std::vector<QTreeWidgetItem*> itemRows(QTreeWidget* tree)
{
    std::vector<QTreeWidgetItem*> rows;
    for (int top = 0; top < tree->topLevelItemCount(); ++top)
        for (int row = 0; row < tree->topLevelItem(top)->childCount(); ++row)
            rows.push_back(tree->topLevelItem(top)->child(row));
    return rows;
}

QTreeWidgetItem* rowWithId(QTreeWidget* tree, const QString& id)
{
    for (QTreeWidgetItem* row : itemRows(tree))
        if (row->text(1) == id)
            return row;
    return nullptr;
}

/// The overlay's pixel at map point (x, y).
QColor overlayPixel(MapCanvas* canvas, double x, double y)
{
    const QImage& image = canvas->overlayImage();
    const QPointF at = canvas->view().toPixel(x, y) * (image.width() / double(canvas->width()));
    return image.pixelColor(at.toPoint());
}

/// Draws the overlay again at the canvas's extent and waits for it (drawn on a worker).
bool overlayRedrawn(MapCanvas* canvas)
{
    QSignalSpy drawn(canvas, &MapCanvas::overlayRenderFinished);
    canvas->refreshNow();
    return drawn.wait(kLoadTimeoutMs) && !canvas->overlayImage().isNull();
}

/// Records in `gpkg`'s history that feature `key` = `id` of `layer` had `field` = `oldValue`
/// until noon UTC of `day` (as if an editor changed it then).
void recordOldValue(const QString& gpkg, const char* layer, const char* key, const char* id,
                    const char* field, const char* oldValue, const char* day)
{
    geo::ensureGdal();
    GDALDatasetUniquePtr dataset(GDALDataset::Open(gpkg.toUtf8().constData(),
                                                   GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr,
                                                   nullptr, nullptr));
    QVERIFY(dataset);
    OGRLayer* target = dataset->GetLayerByName(layer);
    QVERIFY(target);
    target->SetAttributeFilter((std::string(key) + " = '" + id + "'").c_str());
    OGRFeatureUniquePtr old(target->GetNextFeature());
    QVERIFY(old);
    target->SetAttributeFilter(nullptr);
    old->SetField(field, oldValue);
    QCOMPARE(dataset->StartTransaction(), OGRERR_NONE);
    geo::GeoPackageHistory history(*dataset, *target, geo::HistoryStamp{"edit", "tester"});
    history.recordUpdate(*old);
    QCOMPARE(dataset->CommitTransaction(), OGRERR_NONE);
    const std::string table = std::string(layer) + "_history";
    dataset->ExecuteSQL(("UPDATE \"" + table + "\" SET hist_valid_to = '" + day +
                         "T12:00:00Z' WHERE hist_valid_to > '2026-01-01'")
                            .c_str(),
                        nullptr, nullptr);
}

} // namespace

class ChangesPanelTest : public QObject {
    Q_OBJECT
private slots:
    void listsAndDrawsTheSecondHalfYearsChanges()
    {
        if (!QFile::exists(kSecondHalf))
            QSKIP("data/sample/park-2026H2.gpkg is not generated yet");
        auto window = openMainWindow({kSamplePark}, 1100, 760, kLoadTimeoutMs);
        QVERIFY(window);
        ChangesPanel* panel = window->changesPanel();
        panel->setOtherPark(kSecondHalf, false); // the other park is the later one
        QVERIFY(compare(panel));
        const ChangesRun* run = panel->result();
        QVERIFY(run);
        QVERIFY2(run->error.isEmpty(), qPrintable(run->error));

        // The same changes as geo::diffParks finds on its own (README: 6 parcels, 5
        // acquisition batches, 2 idle cases, 1 road), each a row with its mu.
        geo::NullIssueSink quiet;
        const geo::Park before = geo::loadPark(geo::discoverPark(kSamplePark.toStdString()), {}, quiet);
        const geo::Park after = geo::loadPark(geo::discoverPark(kSecondHalf.toStdString()), {}, quiet);
        const geo::ParkDiff expected = geo::diffParks(before, after, geo::DiffOptions{}, quiet);
        std::size_t expectedItems = 0;
        for (const geo::LayerDiff& layer : expected.layers)
            expectedItems += layer.items.size();
        QCOMPARE(expectedItems, std::size_t(14));
        const std::vector<QTreeWidgetItem*> rows = itemRows(panel->tree());
        QCOMPARE(rows.size(), expectedItems);
        QCOMPARE(expected.layer(geo::Role::Parcels)->items.size(),
                 run->diff.layer(geo::Role::Parcels)->items.size());

        // The new parcel: 新增, its mu as the diff measured it (README: 166.73 mu planar).
        QTreeWidgetItem* added = rowWithId(panel->tree(), QStringLiteral("QL2026-101"));
        QVERIFY(added);
        QCOMPARE(added->text(0), ChangesPanel::tr("Added"));
        QVERIFY(added->text(2).isEmpty());
        const double addedMu = added->text(3).toDouble();
        QVERIFY2(std::fabs(addedMu - 166.73) < 0.5, qPrintable(added->text(3)));
        for (const geo::DiffItem& item : expected.layer(geo::Role::Parcels)->items)
            if (item.label() == "QL2026-101")
                QCOMPARE(added->text(3),
                         QString::fromStdString(geo::formatForDisplay(item.newAreaMu)));
        // The split: one row naming the plot cut and both halves, the mu before and after.
        QTreeWidgetItem* split = rowWithId(
            panel->tree(), QStringLiteral("QL2014-001 → QL2014-001-1、QL2014-001-2"));
        QVERIFY(split);
        QVERIFY(split->text(0).contains(ChangesPanel::tr("split")));
        QVERIFY(std::fabs(split->text(2).toDouble() - 164.52) < 0.5);
        QVERIFY(std::fabs(split->text(2).toDouble() - split->text(3).toDouble()) < 0.05);
        // The merge.
        QTreeWidgetItem* merge =
            rowWithId(panel->tree(), QStringLiteral("QL2011-001、QL2011-002 → QL2011-001"));
        QVERIFY(merge);
        QVERIFY(merge->text(0).contains(ChangesPanel::tr("merge")));
        // An acquisition batch: the stage then and now.
        QTreeWidgetItem* batch = rowWithId(panel->tree(), QStringLiteral("QLZD2025-01"));
        QVERIFY(batch);
        QCOMPARE(batch->text(0), ChangesPanel::tr("Changed"));
        QVERIFY2(batch->text(4).contains(QStringLiteral("签约 → 补偿")), qPrintable(batch->text(4)));
        QVERIFY(window->findChild<QLabel*>(QStringLiteral("changesSummary"))
                    ->text()
                    .contains(QStringLiteral("1 added")));

        // Drawn over the map: the new plot green, an unchanged one not at all.
        MapCanvas* canvas = window->canvas();
        const int parcels = window->layerIndex(QStringLiteral("parcels"));
        QVERIFY(parcels >= 0);
        const geo::Layer& drawn = *canvas->layers()[static_cast<std::size_t>(parcels)].snapshot.layer;
        const geo::Layer* afterParcels = after.layer(geo::Role::Parcels)->layer.get();
        geo::Envelope addedPlot;
        for (std::size_t row = 0; row < afterParcels->featureCount(); ++row)
            if (afterParcels->attributes.text(row, afterParcels->attributes.fieldIndex("parcel_id")) ==
                "QL2026-101")
                addedPlot = afterParcels->geometry.envelope(row);
        QVERIFY(!addedPlot.isEmpty());
        const double cx = (addedPlot.minX + addedPlot.maxX) / 2,
                     cy = (addedPlot.minY + addedPlot.maxY) / 2;

        QSignalSpy zoomed(canvas, &MapCanvas::extentChanged);
        panel->tree()->setCurrentItem(added); // a click on the row
        QVERIFY(!zoomed.isEmpty() || zoomed.wait(kLoadTimeoutMs));
        const geo::Envelope view = canvas->view().visibleExtent();
        QVERIFY(view.minX <= addedPlot.minX && view.maxX >= addedPlot.maxX &&
                view.minY <= addedPlot.minY && view.maxY >= addedPlot.maxY);
        QVERIFY(overlayRedrawn(canvas));
        const QColor highlighted = overlayPixel(canvas, cx, cy);
        QVERIFY2(highlighted.alpha() > 0, qPrintable(highlighted.name(QColor::HexArgb)));
        // Nothing chosen: the new plot is green (新增) without the highlight's blue.
        panel->activateItem(-1, -1);
        QVERIFY(overlayRedrawn(canvas));
        const QColor plain = overlayPixel(canvas, cx, cy);
        QVERIFY2(plain.alpha() > 0 && plain.green() > plain.red() + 40 &&
                     plain.green() > plain.blue(),
                 qPrintable(plain.name(QColor::HexArgb)));
        QVERIFY2(highlighted.blue() > plain.blue() + 20,
                 qPrintable(highlighted.name(QColor::HexArgb) + " vs " +
                            plain.name(QColor::HexArgb)));
        std::set<std::int64_t> changedFids;
        for (const geo::LayerDiff& layer : run->diff.layers)
            if (layer.role == geo::Role::Parcels)
                for (const geo::DiffItem& item : layer.items) {
                    changedFids.insert(item.oldFids.begin(), item.oldFids.end());
                    changedFids.insert(item.newFids.begin(), item.newFids.end());
                }
        // Zoomed out: an unchanged parcel in the view has nothing drawn over it.
        canvas->setExtent({view.minX - 1500, view.minY - 1500, view.maxX + 1500, view.maxY + 1500});
        QVERIFY(overlayRedrawn(canvas));
        const geo::Envelope wide = canvas->view().visibleExtent();
        const double pixel = canvas->view().mapUnitsPerPixel();
        bool checkedUnchanged = false;
        for (std::size_t row = 0; row < drawn.featureCount() && !checkedUnchanged; ++row) {
            const geo::Envelope e = drawn.geometry.envelope(row);
            const double ux = (e.minX + e.maxX) / 2, uy = (e.minY + e.maxY) / 2;
            if (changedFids.count(drawn.fids[row]) || ux < wide.minX || ux > wide.maxX ||
                uy < wide.minY || uy > wide.maxY || e.width() < 8 * pixel ||
                e.height() < 8 * pixel)
                continue;
            // Away from every change of any role (a changed acquisition batch covers parcels).
            bool nearChange = false;
            for (const auto& envelopes : run->envelopes)
                for (const geo::Envelope& c : envelopes)
                    nearChange = nearChange || (ux >= c.minX - 2 * pixel && ux <= c.maxX + 2 * pixel &&
                                                uy >= c.minY - 2 * pixel && uy <= c.maxY + 2 * pixel);
            if (nearChange)
                continue;
            QCOMPARE(overlayPixel(canvas, ux, uy).alpha(), 0);
            checkedUnchanged = true;
        }
        QVERIFY(checkedUnchanged);
        // PARKATLAS_TEST_SHOT=file.png keeps a picture of the window (to look at it).
        if (const QString shot = qEnvironmentVariable("PARKATLAS_TEST_SHOT"); !shot.isEmpty()) {
            panel->tree()->setCurrentItem(split);
            if (auto* dock = window->findChild<QDockWidget*>(QStringLiteral("changesDock")))
                dock->raise();
            QTest::qWait(1500);
            window->grab().save(shot);
        }
    }

    void comparesTwoDatesOfTheParksHistory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QStringLiteral("park.gpkg"));
        QVERIFY(QFile::copy(kSamplePark, copy));
        QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
        // The idle case XZ2025-003 went 调查 → 认定 on 2025-01-10 and 认定 → 征缴闲置费 on
        // 2025-03-01; the owner of parcel QL2019-009 changed on 2025-02-15.
        recordOldValue(copy, "idle_land", "case_id", "XZ2025-003", "stage", "调查", "2025-01-10");
        recordOldValue(copy, "idle_land", "case_id", "XZ2025-003", "stage", "认定", "2025-03-01");
        recordOldValue(copy, "parcels", "parcel_id", "QL2019-009", "owner", "旧业主", "2025-02-15");
        auto window = openMainWindow({copy}, 1000, 700, kLoadTimeoutMs);
        QVERIFY(window);
        ChangesPanel* panel = window->changesPanel();

        // February to now: the owner and the idle case's stage.
        panel->setDates(QDate(2025, 2, 1), QDate());
        QVERIFY(compare(panel));
        QVERIFY(panel->result());
        QVERIFY2(panel->result()->error.isEmpty(), qPrintable(panel->result()->error));
        std::vector<QTreeWidgetItem*> rows = itemRows(panel->tree());
        QCOMPARE(rows.size(), std::size_t(2));
        QTreeWidgetItem* owner = rowWithId(panel->tree(), QStringLiteral("QL2019-009"));
        QTreeWidgetItem* idle = rowWithId(panel->tree(), QStringLiteral("XZ2025-003"));
        QVERIFY(owner && idle);
        QCOMPARE(idle->text(0), ChangesPanel::tr("Changed"));
        QVERIFY2(idle->text(4).contains(QStringLiteral("认定 → 征缴闲置费")),
                 qPrintable(idle->text(4)));
        QVERIFY2(owner->text(4).contains(QStringLiteral("旧业主 → ")), qPrintable(owner->text(4)));
        // Its mu, then and now the same plot.
        QVERIFY(!owner->text(2).isEmpty());
        QCOMPARE(owner->text(2), owner->text(3));

        // February 1 to 20: the owner alone.
        panel->setDates(QDate(2025, 2, 1), QDate(2025, 2, 20));
        QVERIFY(compare(panel));
        rows = itemRows(panel->tree());
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0]->text(1), QStringLiteral("QL2019-009"));
        // January 20 to February 10: nothing.
        panel->setDates(QDate(2025, 1, 20), QDate(2025, 2, 10));
        QVERIFY(compare(panel));
        QVERIFY(panel->result() && panel->result()->error.isEmpty());
        QVERIFY(itemRows(panel->tree()).empty());

        // Before the first recorded change: said, not guessed.
        panel->setDates(QDate(2024, 12, 1), QDate(2025, 2, 1));
        QVERIFY(compare(panel));
        QVERIFY(panel->result());
        QVERIFY2(panel->result()->error.contains(QStringLiteral("before the park's first recorded")),
                 qPrintable(panel->result()->error));
        QVERIFY(itemRows(panel->tree()).empty());
    }

    void aCancelledComparisonShowsNothing()
    {
        if (!QFile::exists(kSecondHalf))
            QSKIP("data/sample/park-2026H2.gpkg is not generated yet");
        auto window = openMainWindow({kSamplePark}, 1000, 700, kLoadTimeoutMs);
        QVERIFY(window);
        ChangesPanel* panel = window->changesPanel();
        panel->setOtherPark(kSecondHalf, false);
        QSignalSpy finished(panel, &ChangesPanel::runFinished);
        panel->run();
        QVERIFY(panel->isRunning());
        panel->cancel();
        QVERIFY(finished.wait(kCompareTimeoutMs));
        QVERIFY(!panel->result());
        QVERIFY(itemRows(panel->tree()).empty());
        QCOMPARE(window->findChild<QLabel*>(QStringLiteral("changesSummary"))->text(),
                 ChangesPanel::tr("Cancelled"));
        // And it runs again to the end.
        QVERIFY(compare(panel));
        QVERIFY(panel->result());
        QCOMPARE(itemRows(panel->tree()).size(), std::size_t(14));
    }
};

QTEST_MAIN(ChangesPanelTest)
#include "test_changes_panel.moc"
