// A plot's timeline in the identify panel (issue 17, item 4): on the sample park as shipped
// (no history: dates from the fields, the idle case's stage undated) and on a copy whose idle
// case has a recorded stage change (the change dates the step). Driven through the real
// window, offscreen.
#include "app/desktop/identify_panel.h"
#include "app/desktop/main_window.h"
#include "geo/gdal_session.h"
#include "geo/store/history.h"
#include "tests/support/window_session.h"

#include <QFile>
#include <QPixmap>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

constexpr int kLoadTimeoutMs = 30000;
const QString kSamplePark = QStringLiteral(PARKATLAS_SAMPLE_DIR) + QStringLiteral("/park.gpkg");
// Parcel QL2019-009 (停工, stopped 2024-10-08), whose idle case XZ2025-003 is at 征缴闲置费.
const QPointF kStoppedParcel(501412.75, 3373747.5);

const IdentifyResult* parcelResult(const MainWindow& window)
{
    const auto& results = window.identifyPanel()->results();
    const auto found = std::find_if(results.begin(), results.end(), [](const auto& r) {
        return r.layerName == QStringLiteral("parcels");
    });
    return found == results.end() ? nullptr : &*found;
}

QString attribute(const IdentifyResult& result, const QString& source)
{
    const qsizetype index = result.attributeSources.indexOf(source);
    return index < 0 ? QString() : result.attributes[static_cast<std::size_t>(index)].second;
}

const geo::TimelineStep* step(const IdentifyResult& result, geo::TimelineStage stage)
{
    for (const geo::TimelineStep& s : result.timeline)
        if (s.stage == stage)
            return &s;
    return nullptr;
}

/// The timeline branch of the panel's first parcel, null when none.
QTreeWidgetItem* timelineBranch(QTreeWidget* tree)
{
    for (int top = 0; top < tree->topLevelItemCount(); ++top) {
        QTreeWidgetItem* item = tree->topLevelItem(top);
        if (item->text(0) != QStringLiteral("parcels"))
            continue;
        for (int child = 0; child < item->childCount(); ++child)
            if (item->child(child)->data(0, Qt::UserRole).toString() == QStringLiteral("timeline"))
                return item->child(child);
    }
    return nullptr;
}

} // namespace

class TimelineTest : public QObject {
    Q_OBJECT
private slots:
    void identifyShowsTheParcelsTimelineFromItsFields()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        auto window = openMainWindow({kSamplePark}, 1000, 700, kLoadTimeoutMs);
        QVERIFY(window);
        window->identifyAt(kStoppedParcel);
        const IdentifyResult* parcel = parcelResult(*window);
        QVERIFY2(parcel, "no parcel under the point");
        QCOMPARE(attribute(*parcel, QStringLiteral("parcel_id")), QStringLiteral("QL2019-009"));
        QVERIFY(parcel->hasTimeline);
        // Each date field's step carries the field's date.
        const std::pair<geo::TimelineStage, const char*> dated[] = {
            {geo::TimelineStage::Supply, "supply_dt"},
            {geo::TimelineStage::AgreedStart, "agr_start"},
            {geo::TimelineStage::ActualStart, "act_start"},
            {geo::TimelineStage::Stopped, "stopped"},
            {geo::TimelineStage::AgreedFinish, "agr_finish"}};
        for (const auto& [stage, field] : dated) {
            const geo::TimelineStep* s = step(*parcel, stage);
            QVERIFY2(s, field);
            QCOMPARE(QString::fromStdString(s->date), attribute(*parcel, QString::fromUtf8(field)));
            QCOMPARE(s->field, std::string(field));
        }
        QCOMPARE(step(*parcel, geo::TimelineStage::Stopped)->date, std::string("2024-10-08"));
        // Stopped, not completed; its idle case's stage shown, its date unknown (no history).
        QVERIFY(!step(*parcel, geo::TimelineStage::Completion));
        const geo::TimelineStep* disposal = step(*parcel, geo::TimelineStage::Disposal);
        QVERIFY(disposal);
        QCOMPARE(disposal->value, std::string("征缴闲置费"));
        QVERIFY(disposal->date.empty());
        // The steps in their order.
        QVERIFY(std::is_sorted(parcel->timeline.begin(), parcel->timeline.end(),
                               [](const auto& a, const auto& b) { return a.stage < b.stage; }));
        // The panel: a Timeline branch, one row per step, the unknown date said so.
        QTreeWidgetItem* branch = timelineBranch(window->identifyPanel()->tree());
        QVERIFY(branch);
        QCOMPARE(branch->childCount(), static_cast<int>(parcel->timeline.size()));
        QCOMPARE(branch->child(0)->text(0), IdentifyPanel::stageName(geo::TimelineStage::Supply));
        QCOMPARE(branch->child(0)->text(1), QStringLiteral("2019-08-20"));
        QTreeWidgetItem* last = branch->child(branch->childCount() - 1);
        QCOMPARE(last->text(0), IdentifyPanel::stageName(geo::TimelineStage::Disposal));
        QCOMPARE(last->text(1),
                 IdentifyPanel::tr("date unknown") + QStringLiteral(" · 征缴闲置费"));
        // A road has no timeline.
        for (const IdentifyResult& result : window->identifyPanel()->results())
            if (result.layerName == QStringLiteral("roads"))
                QVERIFY(!result.hasTimeline);
    }

    void aRecordedStageChangeDatesTheStep()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QStringLiteral("park.gpkg"));
        QVERIFY(QFile::copy(kSamplePark, copy));
        QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
        {
            // The idle case XZ2025-003 was 认定 and became 征缴闲置费, recorded by "tester".
            geo::ensureGdal();
            GDALDatasetUniquePtr dataset(GDALDataset::Open(copy.toUtf8().constData(),
                                                           GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr,
                                                           nullptr, nullptr));
            QVERIFY(dataset);
            OGRLayer* idle = dataset->GetLayerByName("idle_land");
            QVERIFY(idle);
            idle->SetAttributeFilter("case_id = 'XZ2025-003'");
            OGRFeatureUniquePtr old(idle->GetNextFeature());
            QVERIFY(old);
            idle->SetAttributeFilter(nullptr);
            QCOMPARE(QString::fromUtf8(old->GetFieldAsString("stage")),
                     QStringLiteral("征缴闲置费"));
            old->SetField("stage", "认定");
            QCOMPARE(dataset->StartTransaction(), OGRERR_NONE);
            geo::GeoPackageHistory history(*dataset, *idle, geo::HistoryStamp{"edit", "tester"});
            history.recordUpdate(*old);
            QCOMPARE(dataset->CommitTransaction(), OGRERR_NONE);
            dataset->ExecuteSQL("UPDATE idle_land_history SET hist_valid_to = "
                                "'2025-03-01T12:00:00Z'",
                                nullptr, nullptr);
        }
        auto window = openMainWindow({copy}, 1000, 700, kLoadTimeoutMs);
        QVERIFY(window);
        window->identifyAt(kStoppedParcel);
        const IdentifyResult* parcel = parcelResult(*window);
        QVERIFY(parcel);
        QVERIFY2(parcel->timelineProblem.isEmpty(), qPrintable(parcel->timelineProblem));
        const geo::TimelineStep* disposal = step(*parcel, geo::TimelineStage::Disposal);
        QVERIFY(disposal);
        QCOMPARE(disposal->value, std::string("征缴闲置费"));
        QCOMPARE(disposal->date, std::string("2025-03-01"));
        QCOMPARE(disposal->changedBy, std::string("tester"));
        QCOMPARE(disposal->command, std::string("edit"));
        // Listed once: the current stage is the one the change reached.
        QCOMPARE(
            std::count_if(parcel->timeline.begin(), parcel->timeline.end(),
                          [](const auto& s) { return s.stage == geo::TimelineStage::Disposal; }),
            std::ptrdiff_t(1));
        QTreeWidgetItem* branch = timelineBranch(window->identifyPanel()->tree());
        QVERIFY(branch);
        QTreeWidgetItem* last = branch->child(branch->childCount() - 1);
        QCOMPARE(last->text(1), QStringLiteral("2025-03-01 · 征缴闲置费"));
        QVERIFY(last->toolTip(1).contains(QStringLiteral("tester")));
        // PARKATLAS_TEST_SHOT=file.png keeps a picture of the panel (to look at it).
        if (const QString shot = qEnvironmentVariable("PARKATLAS_TEST_SHOT"); !shot.isEmpty()) {
            QWidget* panel = window->identifyPanel();
            window->identifyPanel()->tree()->collapseAll();
            branch->parent()->setExpanded(true);
            branch->setExpanded(true);
            panel->parentWidget()->show();
            panel->resize(420, 640);
            panel->grab().save(shot);
        }
    }
};

QTEST_MAIN(TimelineTest)
#include "test_timeline.moc"
