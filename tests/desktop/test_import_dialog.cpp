// File > Import Park… (issue 15, part 5): the real dialog driven as a user drives it, on the
// sample's 控规.dxf and its shapefile folder. What it builds must be what `parkatlas import`
// builds for the same choice; a cancelled build leaves nothing; an existing park is replaced
// only when the user says so.
#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/import_dialog.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/translation.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/model/role.h"
#include "tests/desktop/answer_modal.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <map>
#include <memory>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

constexpr int kTimeoutMs = 60000;
const QString kSampleDir = QStringLiteral(PARKATLAS_SAMPLE_DIR);
const QString kDrawing = kSampleDir + QStringLiteral("/控规.dxf");
const QString kShapefiles = kSampleDir + QStringLiteral("/shp");
const QString kShpPlanZones = kShapefiles + QStringLiteral("/plan_zones.shp");

/// What a park holds, per layer: features, the ellipsoidal area in m² of its polygons, and how
/// many could not be measured (the sample's buildings.shp has zone-prefixed eastings and no .prj:
/// read in the EPSG:4547 given for the drawing, as the CLI reads them, they measure nothing).
struct LayerSummary {
    std::size_t features = 0;
    double areaM2 = 0;
    std::size_t unknownAreas = 0;
};

std::map<std::string, LayerSummary> summarise(const QString& park)
{
    std::map<std::string, LayerSummary> out;
    geo::NullIssueSink issues;
    for (const geo::LayerRef& ref : geo::listLayers(park.toStdString())) {
        if (geo::isHistoryLayerName(ref.layerName)) // the history the import starts: no role
            continue;
        geo::ReadOptions options;
        const geo::Layer layer = geo::readLayer(ref, options, issues);
        LayerSummary& summary = out[layer.name];
        summary.features = layer.featureCount();
        if (layer.geometry.kind() == geo::GeometryKind::Polygon) {
            geo::AreaCalculator area(layer.crs);
            for (std::size_t f = 0; f < layer.featureCount(); ++f) {
                const double m2 = area.areaM2(layer.geometry, f);
                if (std::isfinite(m2))
                    summary.areaM2 += m2;
                else
                    ++summary.unknownAreas;
            }
        }
    }
    return out;
}

/// The role box of the layers-table row showing `layer` of `source`.
QComboBox* roleBoxOf(ImportDialog& dialog, const QString& source, const QString& layer)
{
    const int row = dialog.layerRow(source, layer);
    if (row < 0)
        return nullptr;
    return qobject_cast<QComboBox*>(
        dialog.layersTable()->cellWidget(row, ImportDialog::kRoleColumn));
}

/// Answers the next message box with `button`, once it shows.
void answerNextBox(QMessageBox::StandardButton button, bool* seen)
{
    parkatlas::testing::answerModal([=](QWidget* modal) {
        auto* box = qobject_cast<QMessageBox*>(modal);
        if (!box)
            return false;
        *seen = true;
        box->button(button)->click();
        return true;
    });
}

/// A dialog showing the sample's drawing and shapefiles read in EPSG:4547, planned.
bool planSample(ImportDialog& dialog)
{
    QSignalSpy planned(&dialog, &ImportDialog::planFinished);
    dialog.addSources({kDrawing, kShapefiles});
    if (!planned.wait(kTimeoutMs))
        return false;
    planned.clear();
    dialog.setSourceCrs(QStringLiteral("EPSG:4547"));
    return planned.wait(kTimeoutMs) && dialog.plan() && dialog.plan()->crsQuestions.empty();
}

QStringList partials(const QString& folder)
{
    return QDir(folder).entryList({QStringLiteral(".*partial*"), QStringLiteral("*partial*")},
                                  QDir::Files | QDir::Hidden);
}

} // namespace

class ImportDialogTest : public QObject {
    Q_OBJECT

private slots:
    /// PARKATLAS_TEST_LANGUAGE=zh_CN runs the tests in Chinese (for a screenshot to look at).
    void initTestCase()
    {
        if (qgetenv("PARKATLAS_TEST_LANGUAGE") == "zh_CN")
            QVERIFY(installTranslations(QStringLiteral("zh_CN")));
    }
    void buildsWhatTheCommandLineBuildsForTheSameChoice();
    void cancelledBuildLeavesNoPark();
    void anExistingParkIsReplacedOnlyWhenTheUserSaysSo();
    void fieldMappingDialogMapsTheFieldsOfAShapefile();
};

void ImportDialogTest::buildsWhatTheCommandLineBuildsForTheSameChoice()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The menu: File > Import Park… opens the dialog, whose park opens in the viewer.
    MainWindow window;
    window.resize(1000, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* action = window.findChild<QAction*>(QStringLiteral("importParkAction"));
    QVERIFY(action);
    action->trigger();
    auto* dialog = window.findChild<ImportDialog*>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));

    // A drawing has no CRS: the dialog asks for one, proposing the zones as the CLI does.
    QSignalSpy planned(dialog, &ImportDialog::planFinished);
    dialog->addSources({kDrawing, kShapefiles});
    QVERIFY(planned.wait(kTimeoutMs));
    QVERIFY(dialog->plan());
    // The drawing, and the sample's buildings.shp, which has no .prj.
    QCOMPARE(dialog->plan()->crsQuestions.size(), std::size_t(2));
    QCOMPARE(QString::fromStdString(dialog->plan()->crsQuestions[0].path), kDrawing);
    QCOMPARE(dialog->plan()->crsQuestions[1].layer, std::string("buildings"));
    QVERIFY(!dialog->buildButton()->isEnabled());
    QVERIFY2(dialog->crsNote()->text().contains(QStringLiteral("控规.dxf")),
             qPrintable(dialog->crsNote()->text()));
    QVERIFY(dialog->crsNote()->toolTip().contains(QStringLiteral("EPSG:4534")));
    // Typed as a user types it.
    planned.clear();
    auto* crsEdit = dialog->findChild<QLineEdit*>(QStringLiteral("crsEdit"));
    QVERIFY(crsEdit);
    crsEdit->setFocus();
    QTest::keyClicks(crsEdit, QStringLiteral("EPSG:4547"));
    QTest::keyClick(crsEdit, Qt::Key_Return);
    QVERIFY(planned.wait(kTimeoutMs));
    QVERIFY(dialog->plan()->crsQuestions.empty());

    // Both sources give plan zones: said; the shapefile's are left out in its role box.
    QVERIFY(dialog->plan()->report.rolesFromSeveralSources.size() == 2);
    QComboBox* roleBox = roleBoxOf(*dialog, kShpPlanZones, QStringLiteral("plan_zones"));
    QVERIFY(roleBox);
    QCOMPARE(roleBox->currentData().toString(), QStringLiteral("plan_zones"));
    planned.clear();
    roleBox->setCurrentIndex(roleBox->findData(QString()));
    QVERIFY(planned.wait(kTimeoutMs));
    const int row = dialog->layerRow(kShpPlanZones, QStringLiteral("plan_zones"));
    QVERIFY(row >= 0);
    QVERIFY(dialog->layersTable()
                ->item(row, ImportDialog::kReasonColumn)
                ->text()
                .contains(QStringLiteral("chosen by the user")));
    QCOMPARE(dialog->plan()->report.written.at("plan_zones"), std::int64_t(125));

    // The texts of the drawing, each with the plot it labels.
    const int drawingRow = dialog->layerRow(kDrawing, QStringLiteral("控规地块"));
    QVERIFY(drawingRow >= 0);
    dialog->layersTable()->selectRow(drawingRow);
    QVERIFY(dialog->textsTable()->rowCount() > 0);
    QVERIFY2(dialog->textsTable()->item(0, 4)->text().contains(QStringLiteral("控规地块")),
             qPrintable(dialog->textsTable()->item(0, 0)->text() + " | " +
                        dialog->textsTable()->item(0, 1)->text() + " | " +
                        dialog->textsTable()->item(0, 4)->text()));
    // The preview draws the park that would be built.
    QVERIFY(!dialog->preview()->layers().empty());
    QSignalSpy rendered(dialog->preview(), &MapCanvas::renderFinished);
    if (dialog->preview()->image().isNull())
        QVERIFY(rendered.wait(kTimeoutMs));
    if (const QByteArray shot = qgetenv("PARKATLAS_IMPORT_SCREENSHOT"); !shot.isEmpty())
        QVERIFY(dialog->grab().save(QString::fromLocal8Bit(shot)));

    // Build, with the progress bar, then the report.
    const QString built = dir.filePath(QStringLiteral("gui.gpkg"));
    dialog->setOutputPath(built);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->buildButton()->isEnabled(), kTimeoutMs);
    QSignalSpy finished(dialog, &ImportDialog::buildFinished);
    QTest::mouseClick(dialog->buildButton(), Qt::LeftButton);
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QVERIFY(QFileInfo::exists(built));
    const QString report = dialog->reportView()->toPlainText();
    QVERIFY2(report.contains(QStringLiteral("控规地块 → plan_zones")), qPrintable(report));
    QVERIFY(report.contains(QStringLiteral("wrote ") + built));
    QVERIFY(report.contains(QStringLiteral("skipped by chosen by the user")));
    const QString reportJson = dir.filePath(QStringLiteral("report.json"));
    QVERIFY(dialog->saveReport(reportJson));
    QFile json(reportJson);
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject saved = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(saved.value(QStringLiteral("written"))
                 .toObject()
                 .value(QStringLiteral("plan_zones"))
                 .toInt(),
             125);
    QVERIFY(saved.contains(QStringLiteral("joins")));

    // The command line with the same choice as a mapping file.
    const QString mapping = dir.filePath(QStringLiteral("map.json"));
    {
        QFile file(mapping);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"layers": {"plan_zones.shp:plan_zones": null}})");
    }
    const QString byCli = dir.filePath(QStringLiteral("cli.gpkg"));
    QProcess cli;
    cli.start(QStringLiteral(PARKATLAS_CLI_EXECUTABLE),
              {QStringLiteral("import"), kDrawing, kShapefiles, QStringLiteral("--s-srs"),
               QStringLiteral("EPSG:4547"), QStringLiteral("--mapping"), mapping,
               QStringLiteral("--out"), byCli});
    QVERIFY(cli.waitForFinished(kTimeoutMs));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

    const auto ours = summarise(built);
    const auto theirs = summarise(byCli);
    QCOMPARE(ours.size(), theirs.size());
    QVERIFY(ours.size() >= 10);
    for (const auto& [name, summary] : theirs) {
        QVERIFY2(ours.count(name), name.c_str());
        QCOMPARE(ours.at(name).features, summary.features);
        QCOMPARE(ours.at(name).unknownAreas, summary.unknownAreas);
        QVERIFY2(std::fabs(ours.at(name).areaM2 - summary.areaM2) <= 1e-9 * (1 + summary.areaM2),
                 name.c_str());
    }
    QCOMPARE(ours.at("plan_zones").features, std::size_t(125));
    QVERIFY(ours.at("plan_zones").areaM2 > 0);
    QCOMPARE(ours.at("plan_zones").unknownAreas, std::size_t(0));

    // Open in Viewer: the window shows the built park, layer for layer.
    QSignalSpy ready(&window, &MainWindow::ready);
    QVERIFY(dialog->openButton()->isEnabled());
    QTest::mouseClick(dialog->openButton(), Qt::LeftButton);
    QVERIFY(ready.wait(kTimeoutMs));
    QCOMPARE(window.openedSources(), QStringList{built});
    const auto& layers = window.canvas()->layers();
    QCOMPARE(layers.size(), ours.size());
    for (const MapCanvas::CanvasLayer& layer : layers)
        QCOMPARE(layer.snapshot.layer->featureCount(),
                 ours.at(layer.snapshot.layer->name).features);
}

void ImportDialogTest::cancelledBuildLeavesNoPark()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ImportDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(planSample(dialog));
    const QString output = dir.filePath(QStringLiteral("cancelled.gpkg"));
    dialog.setOutputPath(output);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.buildButton()->isEnabled(), kTimeoutMs);
    QSignalSpy finished(&dialog, &ImportDialog::buildFinished);
    QTest::mouseClick(dialog.buildButton(), Qt::LeftButton);
    QVERIFY(dialog.isBuilding());
    QVERIFY(dialog.cancelButton()->isEnabled());
    QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), false);
    QVERIFY(!QFileInfo::exists(output));
    QVERIFY2(partials(dir.path()).isEmpty(), qPrintable(partials(dir.path()).join(' ')));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    QVERIFY(!dialog.openButton()->isEnabled());
    // The same build, not cancelled, writes it.
    QTRY_VERIFY_WITH_TIMEOUT(dialog.buildButton()->isEnabled(), kTimeoutMs);
    QTest::mouseClick(dialog.buildButton(), Qt::LeftButton);
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QVERIFY(QFileInfo::exists(output));
}

void ImportDialogTest::anExistingParkIsReplacedOnlyWhenTheUserSaysSo()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString output = dir.filePath(QStringLiteral("park.gpkg"));
    {
        QFile old(output);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("an older park");
    }
    ImportDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(planSample(dialog));
    dialog.setOutputPath(output);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.buildButton()->isEnabled(), kTimeoutMs);
    bool asked = false;
    answerNextBox(QMessageBox::No, &asked);
    QTest::mouseClick(dialog.buildButton(), Qt::LeftButton);
    QVERIFY(asked);
    QVERIFY(!dialog.isBuilding());
    QFile kept(output);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray("an older park"));
    kept.close();

    asked = false;
    QSignalSpy finished(&dialog, &ImportDialog::buildFinished);
    answerNextBox(QMessageBox::Yes, &asked);
    QTest::mouseClick(dialog.buildButton(), Qt::LeftButton);
    QVERIFY(asked);
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QCOMPARE(summarise(output).at("plan_zones").features, std::size_t(250)); // both sources
}

void ImportDialogTest::fieldMappingDialogMapsTheFieldsOfAShapefile()
{
    ImportDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy planned(&dialog, &ImportDialog::planFinished);
    const QString parcels = kShapefiles + QStringLiteral("/parcels.shp");
    dialog.addSources({parcels});
    QVERIFY(planned.wait(kTimeoutMs));
    const int row = dialog.layerRow(parcels, QStringLiteral("parcels"));
    QVERIFY(row >= 0);
    // The Fields column says where each field goes.
    QVERIFY(dialog.layersTable()
                ->item(row, ImportDialog::kFieldsColumn)
                ->text()
                .contains(QStringLiteral("QLR→owner")));
    dialog.editLayerFields(row);
    auto* mapping = dialog.findChild<FieldMappingDialog*>();
    QVERIFY(mapping);
    QComboBox* owner = mapping->fieldBox(QStringLiteral("owner"));
    QVERIFY(owner);
    QCOMPARE(owner->currentText(), QStringLiteral("QLR"));
    owner->setCurrentIndex(owner->findData(QString())); // (none): QLR keeps its name
    planned.clear();
    mapping->accept();
    QVERIFY(planned.wait(kTimeoutMs));
    const geo::ImportedLayer& layer = dialog.plan()->report.layers.front();
    std::map<std::string, std::string> fields(layer.fields.begin(), layer.fields.end());
    QCOMPARE(fields.at("QLR"), std::string("QLR"));
    QCOMPARE(fields.at("ZDDM"), std::string("parcel_id"));
    QCOMPARE(layer.roleReason, std::string("chosen by the user"));
    const QString text =
        dialog.layersTable()
            ->item(dialog.layerRow(parcels, QStringLiteral("parcels")), ImportDialog::kFieldsColumn)
            ->text();
    QVERIFY2(!text.contains(QStringLiteral("QLR→owner")), qPrintable(text));
}

QTEST_MAIN(ImportDialogTest)
#include "test_import_dialog.moc"
