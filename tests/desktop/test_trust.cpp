// The viewer a planner trusts (issues 24 and 25): a layer without a CRS gets one from the user
// and keeps it in the project file; the field mapping and the CRS reach every analysis; undo and
// redo keep the conflict check in step; exports say what they left out.
#include "app/desktop/application.h"
#include "app/desktop/attribute_table_model.h"
#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/audit_panel.h"
#include "app/desktop/crs_dialog.h"
#include "app/desktop/export_map_dialog.h"
#include "app/desktop/feature_measurement.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/ledger_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/report_exporter.h"
#include "geo/crs/gauss_kruger.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/rules/audit.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/compliance.h"
#include "geo/session/park_session.h"
#include "geo/units.h"
#include "tests/support/window_session.h"

#include <QAction>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QMessageBox>
#include <QTimer>
#include <QDir>
#include <QComboBox>
#include <QLocale>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QApplication>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

constexpr int kLoadTimeoutMs = 30000;
const QString kSampleDir = QStringLiteral(PARKATLAS_SAMPLE_DIR);

/// Copies the sample's shapefile folder (and nothing beside it) into `dir`/shp, leaving out the
/// layers named in `leftOut`.
QString copySampleShapefiles(const QTemporaryDir& dir, const QStringList& leftOut = {})
{
    const QString folder = dir.filePath(QStringLiteral("shp"));
    QDir().mkpath(folder);
    const QDir sample(kSampleDir + QStringLiteral("/shp"));
    for (const QString& name : sample.entryList(QDir::Files)) {
        if (leftOut.contains(QFileInfo(name).completeBaseName()))
            continue;
        if (!QFile::copy(sample.filePath(name), folder + QLatin1Char('/') + name))
            return {};
        QFile::setPermissions(folder + QLatin1Char('/') + name,
                              QFile::ReadOwner | QFile::WriteOwner);
    }
    return folder;
}

/// Renames field `from` of a DBF to `to` (at most 10 characters) in its header, as a park's
/// own naming would have it.
bool renameDbfField(const QString& dbf, const QByteArray& from, const QByteArray& to)
{
    QFile file(dbf);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    QByteArray header = file.read(32 * 64);
    for (int at = 32; at + 32 <= header.size() && header[at] != '\x0d'; at += 32) {
        if (header.mid(at, 11).left(from.size()) == from && header[at + from.size()] == '\0') {
            QByteArray name = to.left(10);
            name.append(QByteArray(11 - name.size(), '\0'));
            file.seek(at);
            return file.write(name) == 11;
        }
    }
    return false;
}

int countRule(const std::vector<geo::Finding>& findings, const std::string& rule)
{
    int count = 0;
    for (const geo::Finding& finding : findings)
        count += finding.rule == rule ? 1 : 0;
    return count;
}

} // namespace

class TrustTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> openWindow(const QStringList& sources)
    {
        return openMainWindow(sources, 1000, 700, kLoadTimeoutMs);
    }

    static bool runPanel(FindingsPanel* panel) { return runFindingsPanel(panel, kLoadTimeoutMs); }

    /// Answers the modal dialogs Export Report puts up, as a user would: the date question with
    /// `askedDate`, the folder dialog with `folder`; the closing message box's text goes to
    /// `message`. Polls until `message` is set.
    static void answerExportDialogs(const QDate& askedDate, const QString& folder,
                                    QString* message, bool* asked)
    {
        auto* timer = new QTimer;
        QObject::connect(timer, &QTimer::timeout, timer, [=] {
            QWidget* modal = QApplication::activeModalWidget();
            if (!modal)
                return;
            if (auto* files = qobject_cast<QFileDialog*>(modal)) {
                // Typed into the name box as a user would (an absolute path): selectFile() of a
                // path in another folder changes the folder first and, depending on when the
                // folder's listing arrives, left the suggested name in the box.
                if (auto* name = files->findChild<QLineEdit*>(QStringLiteral("fileNameEdit")))
                    name->setText(folder);
                else
                    files->selectFile(folder);
                static_cast<QDialog*>(files)->accept(); // QFileDialog::accept, virtual
            } else if (auto* box = qobject_cast<QMessageBox*>(modal)) {
                *message = box->text();
                box->accept();
                timer->deleteLater();
            } else if (auto* date = modal->findChild<QDateEdit*>(QStringLiteral("reportAsOfEdit"))) {
                *asked = true;
                date->setDate(askedDate);
                qobject_cast<QDialog*>(modal)->accept();
            }
        });
        timer->start(50);
    }

private slots:
    void initTestCase() { installApplicationFonts(); }

    void locatorFindsPlotsOwnersRoadsAndCoordinates()
    {
        const QString gpkg = kSampleDir + QStringLiteral("/park.gpkg");
        auto window = openWindow({gpkg});
        QVERIFY(window);
        QLineEdit* locator = window->locatorEdit();
        QVERIFY(locator);
        MapCanvas* canvas = window->canvas();
        const auto parcels = static_cast<std::size_t>(window->layerIndex(QStringLiteral("parcels")));
        const geo::Layer& parcelLayer = *canvas->layers().at(parcels).snapshot.layer;
        const int idField = parcelLayer.attributes.fieldIndex("parcel_id");
        auto findText = [&](const QString& text) {
            QSignalSpy done(window.get(), &MainWindow::locateFinished);
            locator->setText(text); // as an input method commits it (Chinese is no key)
            QTest::keyClick(locator, Qt::Key_Return);
            return done.count() > 0 || done.wait(10000) ? done.front().at(0).toInt() : -1;
        };

        // A plot number: that plot alone, selected and in view.
        QCOMPARE(findText(QStringLiteral("QL2019-037")), 1);
        const std::vector<std::uint32_t> plot = window->selection()->features(parcels);
        QCOMPARE(plot.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(parcelLayer.attributes.text(plot[0], idField)),
                 QStringLiteral("QL2019-037"));
        const geo::Envelope box = parcelLayer.geometry.envelope(plot[0]);
        const geo::Envelope view = canvas->extent();
        QVERIFY(view.minX <= box.minX && view.maxX >= box.maxX && view.minY <= box.minY &&
                view.maxY >= box.maxY);
        QVERIFY(view.width() < 10 * std::max(box.width(), box.height()));

        // An owner's name, in Chinese: every plot of the owner (and only those).
        const int ownerField = parcelLayer.attributes.fieldIndex("owner");
        std::size_t owned = 0;
        for (std::size_t f = 0; f < parcelLayer.featureCount(); ++f)
            owned += parcelLayer.attributes.text(f, ownerField).find("武汉天通") != std::string::npos;
        QVERIFY(owned > 0);
        QVERIFY(findText(QStringLiteral("武汉天通")) >= static_cast<int>(owned));
        QCOMPARE(window->selection()->features(parcels).size(), owned);

        // A road by name, from the roads layer.
        const auto roads = static_cast<std::size_t>(window->layerIndex(QStringLiteral("roads")));
        const geo::Layer& roadLayer = *canvas->layers().at(roads).snapshot.layer;
        const QString road = QString::fromStdString(
            roadLayer.attributes.text(0, roadLayer.attributes.fieldIndex("name")));
        QVERIFY(!road.isEmpty());
        QVERIFY(findText(road) >= 1);
        QVERIFY(!window->selection()->features(roads).empty());

        // Coordinates in the map CRS, and in degrees: the map is centred there.
        const QPointF centre(canvas->width() / 2.0, canvas->height() / 2.0);
        findText(QStringLiteral("500000, 3375000"));
        QVERIFY(std::abs(canvas->toMap(centre).x() - 500000) < 1);
        QVERIFY(std::abs(canvas->toMap(centre).y() - 3375000) < 1);
        findText(QStringLiteral("114.0, 30.5"));
        // 114°E is the zone's central meridian: easting 500 000, and the northing the meridian arc
        // from the equator to 30.5°N on the CGCS2000 ellipsoid, 3 375 541.73 m (integrated apart).
        QVERIFY2(std::abs(canvas->toMap(centre).x() - 500000) < 1,
                 qPrintable(QString::number(canvas->toMap(centre).x(), 'f', 2)));
        QVERIFY2(std::abs(canvas->toMap(centre).y() - 3375541.73) < 0.01,
                 qPrintable(QString::number(canvas->toMap(centre).y(), 'f', 2)));

        // Nothing found: said, the selection kept.
        QCOMPARE(findText(QStringLiteral("没有这个地块")), 0);
    }

    void typingAScaleGoesToIt()
    {
        auto window = openWindow({kSampleDir + QStringLiteral("/park.gpkg")});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        auto* box = window->findChild<QComboBox*>(QStringLiteral("scaleBox"));
        QVERIFY(box && box->isEditable());
        const double before = canvas->scaleDenominator();
        QVERIFY(before > 2000);
        const QPointF centre(canvas->width() / 2.0, canvas->height() / 2.0);
        const QPointF middle = canvas->toMap(centre);
        // Typed as a planner would, with a full-width colon and a thousands separator.
        box->lineEdit()->selectAll();
        QTest::keyClicks(box->lineEdit(), QStringLiteral("1"));
        box->lineEdit()->insert(QStringLiteral("："));  // an input method's, not a key's
        QTest::keyClicks(box->lineEdit(), QStringLiteral("2,000"));
        QTest::keyClick(box->lineEdit(), Qt::Key_Return);
        QVERIFY2(std::abs(canvas->scaleDenominator() - 2000) < 1e-6,
                 qPrintable(QString::number(canvas->scaleDenominator())));
        QCOMPARE(box->currentText(), QLocale().toString(2000).prepend(QStringLiteral("1:")));
        // About the centre of the map.
        QVERIFY(std::abs(canvas->toMap(centre).x() - middle.x()) < 1e-6);
        QVERIFY(std::abs(canvas->toMap(centre).y() - middle.y()) < 1e-6);
        // A text that is no scale is put back, the map stays.
        box->lineEdit()->selectAll();
        QTest::keyClicks(box->lineEdit(), QStringLiteral("abc"));
        QTest::keyClick(box->lineEdit(), Qt::Key_Return);
        QVERIFY(std::abs(canvas->scaleDenominator() - 2000) < 1e-6);
        QVERIFY2(box->currentText().startsWith(QStringLiteral("1:")), qPrintable(box->currentText()));
    }

    void attributeTableShowsMuAndOneClickShowsThePlot()
    {
        auto window = openWindow({kSampleDir + QStringLiteral("/park.gpkg")});
        QVERIFY(window);
        AttributeTablePanel* panel = window->attributeTablePanel();
        const int parcels = window->layerIndex(QStringLiteral("parcels"));
        panel->showLayer(static_cast<std::size_t>(parcels));
        AttributeTableModel* model = panel->model();
        const geo::Layer& layer = *model->layer();
        const int mu = model->muColumn();
        QCOMPARE(mu, 1 + static_cast<int>(layer.attributes.fields().size()));
        QCOMPARE(model->headerData(mu, Qt::Horizontal).toString(), QStringLiteral("Area (mu)"));
        // Each row's 亩 is the Identify panel's ellipsoidal area, rounded once to 2 decimals.
        for (int row : {0, 17, 250, 497}) {
            const std::size_t feature = model->featureAt(row);
            const FeatureMeasurement measured = measureFeature(layer, feature);
            QCOMPARE(model->index(row, mu).data().toString(),
                     QString::fromStdString(geo::formatForDisplay(geo::muFromM2(measured.ellipsoidalM2))));
        }
        // Sorted by 亩, largest first.
        panel->view()->sortByColumn(mu, Qt::DescendingOrder);
        double previous = std::numeric_limits<double>::infinity();
        for (int row = 0; row < model->rowCount(); ++row) {
            const double value = geo::muFromM2(measureFeature(layer, model->featureAt(row)).ellipsoidalM2);
            QVERIFY2(value <= previous + 1e-9, qPrintable(QString::number(row)));
            previous = value;
        }

        // One click on a row (the smallest plot, last now) shows it: the map zooms onto it.
        MapCanvas* canvas = window->canvas();
        const geo::Envelope before = canvas->extent();
        const int last = model->rowCount() - 1;
        QTableView* view = panel->view();
        view->scrollTo(model->index(last, 1));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(model->index(last, 1)).center());
        const std::size_t feature = model->featureAt(last);
        const geo::Envelope plot = layer.geometry.envelope(feature);
        const geo::Envelope after = canvas->extent();
        QVERIFY(after.width() < before.width() / 5);
        QVERIFY(after.minX <= plot.minX && after.maxX >= plot.maxX && after.minY <= plot.minY &&
                after.maxY >= plot.maxY);
        // And it is the selection, drawn over the map.
        QCOMPARE(window->selection()->features(static_cast<std::size_t>(parcels)),
                 (std::vector<std::uint32_t>{static_cast<std::uint32_t>(feature)}));
    }

    void exportsFollowTheProjectsRulesAndSayWhatTheyLeftOut()
    {
        // A project over the sample GeoPackage that switches two rules off and names an
        // idle-land file that is not there (and no buildings).
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kSampleDir + QStringLiteral("/park.gpkg"), dir.filePath("park.gpkg")));
        const QString project = dir.filePath(QStringLiteral("park.parkatlas.json"));
        QFile file(project);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray layers;
        for (const char* role : {"boundary", "parcels", "plan_zones", "roads", "pipelines",
                                 "protected", "expansion", "acquisition"})
            layers += QByteArray("\"") + role + "\": {\"source\": \"park.gpkg\", \"layer\": \"" +
                      role + "\"}, ";
        file.write("{ \"name\": \"测试园区\", \"crs\": \"EPSG:4547\", \"layers\": { " + layers +
                   "\"idle_land\": {\"source\": \"idle_gone.shp\"} }, \"rules\": { "
                   "\"outside_boundary\": {\"enabled\": false}, "
                   "\"land_use_mismatch\": {\"enabled\": false} } }");
        file.close();
        auto window = openWindow({project});
        QVERIFY(window);
        FindingsPanel* check = window->findingsPanel();
        QVERIFY(runPanel(check));
        const int panelCount = static_cast<int>(check->findings().size());
        QCOMPARE(countRule(check->findings(), "outside_boundary"), 0);

        // Export Map, the compliance template: the page's table counts what the panel lists.
        window->findChild<QAction*>(QStringLiteral("exportMapAction"))->trigger();
        auto* dialog = window->findChild<ExportMapDialog*>();
        QVERIFY(dialog);
        QSignalSpy previews(dialog, &ExportMapDialog::previewReady);
        dialog->templateBox()->setCurrentIndex(
            dialog->templateBox()->findData(QStringLiteral("规划符合性分析图")));
        QVERIFY(previews.wait(kLoadTimeoutMs));
        while (previews.wait(1000)) {
        }
        // The layer left out and the rule that could not judge are said, under the preview.
        const QString warnings = dialog->warnings().join(QLatin1Char('\n'));
        QVERIFY2(warnings.contains(QStringLiteral("idle_gone.shp")), qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("no buildings layer")), qPrintable(warnings));
        if (qEnvironmentVariableIsSet("PARKATLAS_TEST_SHOTS")) // to look at it
            dialog->grab().save(qEnvironmentVariable("PARKATLAS_TEST_SHOTS") + "/export_map.png");
        const QString pdf = dir.filePath(QStringLiteral("compliance.pdf"));
        QSignalSpy exported(dialog, &ExportMapDialog::exportFinished);
        dialog->exportTo(pdf);
        QVERIFY(exported.wait(kLoadTimeoutMs));
        QCOMPARE(exported.at(0).at(1).toString(), QString());
        QProcess text;
        text.start(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        QVERIFY2(text.waitForFinished(20000), "pdftotext (poppler-utils) is missing");
        const QString page = QString::fromUtf8(text.readAllStandardOutput());
        const QRegularExpression total(QStringLiteral("合计\\s+(\\d+)\\s"));
        const QRegularExpressionMatch match = total.match(page);
        QVERIFY2(match.hasMatch(), qPrintable(page.right(2000)));
        // The page's total counts what the panel measures; what could not be decided is listed
        // apart under the table, never in the total (the panel's summary says the same).
        const int undecided = countRule(check->findings(), "cannot_decide");
        QCOMPARE(match.captured(1).toInt(), panelCount - undecided);
        if (undecided > 0)
            QVERIFY2(page.contains(QStringLiteral("%1 处").arg(undecided)) &&
                         page.contains(QStringLiteral("另列")),
                     qPrintable(page.right(2000)));

        // Export Report: the same warnings come back with the pack.
        ReportExporter exporter;
        QSignalSpy finished(&exporter, &ReportExporter::finished);
        exporter.start(project, dir.filePath(QStringLiteral("pack")), false, QDate(2026, 6, 30));
        QVERIFY(finished.wait(kLoadTimeoutMs * 2));
        const ReportOutcome outcome = finished.at(0).at(1).value<ReportOutcome>();
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        const QString reportWarnings = outcome.warnings.join(QLatin1Char('\n'));
        QVERIFY2(reportWarnings.contains(QStringLiteral("idle_gone.shp")), qPrintable(reportWarnings));
    }

    void fieldMappingReachesThePlanCheckTheAuditAndTheLedgers()
    {
        // The sample's parcels with two fields under names no alias knows: 用地代码 as YTBM and
        // the agreed start date as KGRQ (the buildings left out: no CRS question here).
        QTemporaryDir dir;
        const QString folder = copySampleShapefiles(dir, {QStringLiteral("buildings")});
        QVERIFY(!folder.isEmpty());
        QVERIFY(renameDbfField(folder + "/parcels.dbf", "YDDM", "YTBM"));
        QVERIFY(renameDbfField(folder + "/parcels.dbf", "agr_start", "KGRQ"));
        auto window = openWindow({folder});
        QVERIFY(window);
        FindingsPanel* check = window->findingsPanel();
        AuditPanel* audit = window->auditPanel();
        audit->asOfEdit()->setDate(QDate(2026, 6, 30));
        QVERIFY(runPanel(check));
        QVERIFY(runPanel(audit));
        // Without land use no mismatch can be found; without the agreed start, no plot is late.
        QCOMPARE(countRule(check->findings(), "land_use_mismatch"), 0);
        QCOMPARE(countRule(audit->findings(), "idle_not_started"), 0);
        QVERIFY(window->ledgerPanel() != nullptr);

        // Field Mapping on the parcels: land_use ← YTBM, agr_start ← KGRQ.
        const int parcels = window->layerIndex(QStringLiteral("parcels"));
        QVERIFY(parcels >= 0);
        window->layersPanel()->pickLayer(parcels);
        window->editFieldMapping(parcels);
        auto* dialog = window->findChild<FieldMappingDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->roleBox()->currentData().toString(), QStringLiteral("parcels"));
        dialog->fieldBox(QStringLiteral("land_use"))->setCurrentText(QStringLiteral("YTBM"));
        dialog->fieldBox(QStringLiteral("agr_start"))->setCurrentText(QStringLiteral("KGRQ"));
        QSignalSpy saved(window.get(), &MainWindow::projectSaved);
        QSignalSpy checked(check, &FindingsPanel::runFinished);
        QSignalSpy audited(audit, &FindingsPanel::runFinished);
        auto* buttons = dialog->findChild<QDialogButtonBox*>(QStringLiteral("buttons"));
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QVERIFY(saved.wait(kLoadTimeoutMs));
        const QString project = saved.front().at(0).toString();
        QVERIFY2(saved.front().at(1).toString().isEmpty(), qPrintable(saved.front().at(1).toString()));

        // Every analysis reads the park through the project now, and ran again by itself.
        QCOMPARE(check->source(), project);
        QCOMPARE(audit->source(), project);
        QCOMPARE(window->ledgerPanel()->source(), project);
        QCOMPARE(window->parkSource(), project);
        QVERIFY(checked.count() > 0 || checked.wait(kLoadTimeoutMs));
        QVERIFY(audited.count() > 0 || audited.wait(kLoadTimeoutMs));

        // What the engines give on the park as the project describes it.
        geo::IssueList issues;
        const geo::ParkDefinition definition = geo::discoverPark(project.toStdString());
        QCOMPARE(definition.find(geo::Role::Parcels)->fieldMap.at("land_use"), std::string("YTBM"));
        const geo::Park park = geo::loadPark(definition, {}, issues);
        geo::ComplianceOptions options;
        options.settings = geo::ComplianceSettings::load(definition.projectPath, issues);
        const geo::ComplianceResult expected = geo::checkCompliance(park, options, issues);
        QCOMPARE(check->findings().size(), expected.findings.size());
        QCOMPARE(countRule(check->findings(), "land_use_mismatch"),
                 countRule(expected.findings, "land_use_mismatch"));
        QVERIFY(countRule(check->findings(), "land_use_mismatch") > 0);
        geo::AuditOptions auditOptions;
        auditOptions.asOf = geo::Date::fromYmd(2026, 6, 30);
        auditOptions.rules = geo::loadAuditRules(definition.projectPath, issues);
        const geo::AuditResult expectedAudit = geo::runAudit(park, auditOptions, issues);
        QCOMPARE(countRule(audit->findings(), "idle_not_started"),
                 countRule(expectedAudit.findings, "idle_not_started"));
        QVERIFY(countRule(audit->findings(), "idle_not_started") > 0);
    }

    void exportReportAuditsAsOfThePanelsDateOrAsks()
    {
        QTemporaryDir dir;
        auto window = openWindow({kSampleDir + QStringLiteral("/park.gpkg")});
        QVERIFY(window);
        QAction* exportReport = window->findChild<QAction*>(QStringLiteral("exportReportAction"));
        QVERIFY(exportReport && exportReport->isEnabled());

        // The audit panel's date is the pack's: no question asked.
        QDateEdit* asOf = window->auditPanel()->asOfEdit();
        asOf->setFocus();
        asOf->setDate(QDate(2026, 6, 30));
        QString message;
        bool asked = false;
        answerExportDialogs(QDate(2020, 1, 1), dir.filePath(QStringLiteral("pack1")), &message,
                            &asked);
        exportReport->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!message.isEmpty(), kLoadTimeoutMs * 2);
        QVERIFY(!asked);
        QVERIFY2(message.contains(QStringLiteral("截至 2026-06-30")), qPrintable(message));
        QVERIFY2(QFile::exists(dir.filePath(QStringLiteral("pack1/audit.csv"))), qPrintable(message));

        // No date set in the panel: the export asks, and audits as of the answer.
        auto fresh = openWindow({kSampleDir + QStringLiteral("/park.gpkg")});
        QVERIFY(fresh);
        QVERIFY(!fresh->auditPanel()->chosenAsOf());
        message.clear();
        answerExportDialogs(QDate(2025, 12, 31), dir.filePath(QStringLiteral("pack2")), &message,
                            &asked);
        fresh->findChild<QAction*>(QStringLiteral("exportReportAction"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!message.isEmpty(), kLoadTimeoutMs * 2);
        QVERIFY(asked);
        QVERIFY2(message.contains(QStringLiteral("截至 2025-12-31")), qPrintable(message));
    }

    void aLayerWithoutCrsIsAskedForOneAndKeepsItInTheProject()
    {
        QTemporaryDir dir;
        const QString folder = copySampleShapefiles(dir);
        QVERIFY(!folder.isEmpty());
        QVERIFY(!QFile::exists(folder + QStringLiteral("/buildings.prj")));
        auto window = openWindow({folder});
        QVERIFY(window);

        // buildings.shp has no .prj: not drawn, and the window asks for its CRS at once.
        QCOMPARE(window->layerIndex(QStringLiteral("buildings")), -1);
        QVERIFY(window->layerIndex(QStringLiteral("parcels")) >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(window->crsDialog() && window->crsDialog()->isVisible(), 5000);
        CrsDialog* dialog = window->crsDialog();
        QVERIFY2(dialog->windowTitle().contains(QStringLiteral("buildings")),
                 qPrintable(dialog->windowTitle()));
        const QString messages = window->messages().join(QLatin1Char('\n'));
        QVERIFY2(messages.contains(QStringLiteral("buildings")) && !messages.contains("--s-srs"),
                 qPrintable(messages));

        // The plan check meanwhile: no building coverage, so hundreds of plots cannot be decided.
        FindingsPanel* check = window->findingsPanel();
        QVERIFY(runPanel(check));
        QVERIFY2(countRule(check->findings(), "cannot_decide") > 400,
                 qPrintable(QString::number(countRule(check->findings(), "cannot_decide"))));

        // Zone 38 from the eastings (38 497 028 …): CGCS2000 first, then Xi'an 1980, Beijing 1954.
        const int xian = *geo::gaussKrugerEpsg(geo::ChineseDatum::Xian1980, 3, 114, true);
        const int beijing = *geo::gaussKrugerEpsg(geo::ChineseDatum::Beijing1954, 3, 114, true);
        QCOMPARE(dialog->proposedDefinitions(),
                 QStringList({QStringLiteral("EPSG:4526"), QStringLiteral("EPSG:%1").arg(xian),
                              QStringLiteral("EPSG:%1").arg(beijing)}));
        QCOMPARE(dialog->crsDefinition(), QStringLiteral("EPSG:4526"));

        // The picker finds PROJ's CRSs by name and by code.
        if (!dialog->catalogReady())
            QVERIFY(QSignalSpy(dialog, &CrsDialog::catalogLoaded).wait(10000));
        QTest::keyClicks(dialog->searchEdit(), QStringLiteral("Xian 1980 114E"));
        bool found2383 = false;
        for (int row = 0; row < dialog->list()->count(); ++row)
            found2383 = found2383 || dialog->list()->item(row)->text().startsWith("EPSG:2383 ");
        QVERIFY(found2383);
        dialog->searchEdit()->clear();
        QTest::keyClicks(dialog->searchEdit(), QStringLiteral("4526"));
        QCOMPARE(dialog->crsDefinition(), QStringLiteral("EPSG:4526"));
        dialog->searchEdit()->clear();
        QCOMPARE(dialog->crsDefinition(), QStringLiteral("EPSG:4526"));
        if (qEnvironmentVariableIsSet("PARKATLAS_TEST_SHOTS")) // to look at it
            dialog->grab().save(qEnvironmentVariable("PARKATLAS_TEST_SHOTS") + "/crs_dialog.png");

        // OK: saved in the project beside the folder, and the map read again with it.
        QSignalSpy saved(window.get(), &MainWindow::projectSaved);
        QSignalSpy ready(window.get(), &MainWindow::ready);
        auto* buttons = dialog->findChild<QDialogButtonBox*>(QStringLiteral("buttons"));
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QVERIFY(saved.wait(kLoadTimeoutMs));
        QVERIFY2(saved.front().at(1).toString().isEmpty(), qPrintable(saved.front().at(1).toString()));
        const QString project = dir.filePath(QStringLiteral("shp.parkatlas.json"));
        QCOMPARE(saved.front().at(0).toString(), project);
        QVERIFY(ready.wait(kLoadTimeoutMs));

        const int buildings = window->layerIndex(QStringLiteral("buildings"));
        QVERIFY(buildings >= 0);
        const auto& layer = *window->canvas()->layers().at(buildings).snapshot.layer;
        QCOMPARE(layer.featureCount(), std::size_t(999));
        // Drawn where the parcels are: reprojected from zone 38 into the map's EPSG:4547.
        const geo::Envelope parcels =
            window->canvas()->layers().at(window->layerIndex("parcels")).snapshot.layer->geometry.extent();
        QVERIFY(layer.geometry.extent().intersects(parcels));
        QCOMPARE(window->projectPath(), project);

        // The project file holds the choice.
        const geo::ParkDefinition definition = geo::discoverPark(project.toStdString());
        const geo::ParkLayerSource* saved_buildings = definition.find(geo::Role::Buildings);
        QVERIFY(saved_buildings);
        QCOMPARE(QString::fromStdString(saved_buildings->open.sourceSrs), QStringLiteral("EPSG:4526"));

        // The plan check reads the park through the project: the buildings are in it now.
        QCOMPARE(check->source(), project);
        QVERIFY(runPanel(check));
        geo::IssueList issues;
        geo::ComplianceOptions options;
        options.settings = geo::ComplianceSettings::load(definition.projectPath, issues);
        const geo::Park park = geo::loadPark(definition, {}, issues);
        QVERIFY(park.layer(geo::Role::Buildings));
        const geo::ComplianceResult expected = geo::checkCompliance(park, options, issues);
        QCOMPARE(check->findings().size(), expected.findings.size());
        QVERIFY2(countRule(check->findings(), "cannot_decide") < 10,
                 qPrintable(QString::number(countRule(check->findings(), "cannot_decide"))));

        // Opened again in a new window: the project beside the folder gives the CRS, no question.
        auto again = openWindow({folder});
        QVERIFY(again);
        QVERIFY(again->layerIndex(QStringLiteral("buildings")) >= 0);
        QVERIFY(!again->crsDialog());
        QCOMPARE(again->findingsPanel()->source(), project);
    }

    void panelsShareOneSessionReadingEachLayerOnceAndMappingReachesThemAll()
    {
        // The sample's parcels with their id and land use under names no alias knows.
        QTemporaryDir dir;
        const QString folder = copySampleShapefiles(dir, {QStringLiteral("buildings")});
        QVERIFY(!folder.isEmpty());
        QVERIFY(renameDbfField(folder + "/parcels.dbf", "ZDDM", "BH_X"));
        QVERIFY(renameDbfField(folder + "/parcels.dbf", "YDDM", "YTBM"));
        auto window = openWindow({folder});
        QVERIFY(window);
        const std::shared_ptr<geo::ParkSession> session = window->parkSession();
        QVERIFY(session);
        FindingsPanel* check = window->findingsPanel();
        AuditPanel* audit = window->auditPanel();
        LedgerPanel* ledger = window->ledgerPanel();
        audit->asOfEdit()->setDate(QDate(2026, 6, 30));
        ledger->setKind(geo::LedgerKind::Supply);
        auto runLedger = [ledger] {
            QSignalSpy finished(ledger, &LedgerPanel::runFinished);
            ledger->run();
            return finished.wait(kLoadTimeoutMs) && ledger->ledger();
        };
        QVERIFY(runPanel(check));
        QVERIFY(runPanel(audit));
        QVERIFY(runLedger());
        QCOMPARE(countRule(check->findings(), "land_use_mismatch"), 0);

        // The map read every layer; the three panels read none again.
        const geo::ParkDefinition opened = session->definition();
        QVERIFY(opened.layers.size() >= 10);
        for (const geo::ParkLayerSource& source : opened.layers)
            QVERIFY2(session->readCount(source.role) == 1, geo::toString(source.role));
        // Without the mapping the supply ledger has no plot ids.
        auto firstId = [](const geo::Ledger& built) {
            const auto rows = built.tables.front().shown();
            return rows.empty() ? std::string() : rows.front().front();
        };
        QCOMPARE(firstId(*ledger->ledger()), std::string());

        // Field Mapping: parcel_id ← BH_X, land_use ← YTBM; saved in the project file.
        const int parcels = window->layerIndex(QStringLiteral("parcels"));
        QVERIFY(parcels >= 0);
        window->editFieldMapping(parcels);
        auto* dialog = window->findChild<FieldMappingDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        dialog->fieldBox(QStringLiteral("parcel_id"))->setCurrentText(QStringLiteral("BH_X"));
        dialog->fieldBox(QStringLiteral("land_use"))->setCurrentText(QStringLiteral("YTBM"));
        QSignalSpy saved(window.get(), &MainWindow::projectSaved);
        QSignalSpy checked(check, &FindingsPanel::runFinished);
        QSignalSpy audited(audit, &FindingsPanel::runFinished);
        QSignalSpy ledgered(ledger, &LedgerPanel::runFinished);
        auto* buttons = dialog->findChild<QDialogButtonBox*>(QStringLiteral("buttons"));
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QVERIFY(saved.wait(kLoadTimeoutMs));
        const QString project = saved.front().at(0).toString();
        QVERIFY(checked.count() > 0 || checked.wait(kLoadTimeoutMs));
        QVERIFY(audited.count() > 0 || audited.wait(kLoadTimeoutMs));
        QVERIFY(ledgered.count() > 0 || ledgered.wait(kLoadTimeoutMs));

        // The same session, now on the project, and still no layer read twice.
        QVERIFY(window->parkSession() == session);
        QCOMPARE(check->source(), project);
        for (const geo::ParkLayerSource& source : session->definition().layers)
            QVERIFY2(session->readCount(source.role) == 1, geo::toString(source.role));

        // Every analysis sees the mapping: what the engines give on the project read afresh.
        const auto expected = geo::ParkSession::open(project.toStdString());
        geo::IssueList issues;
        const auto expectedCheck = expected->check({}, issues).value;
        QVERIFY(countRule(expectedCheck.findings, "land_use_mismatch") > 0);
        QCOMPARE(check->findings().size(), expectedCheck.findings.size());
        QCOMPARE(countRule(check->findings(), "land_use_mismatch"),
                 countRule(expectedCheck.findings, "land_use_mismatch"));
        geo::AuditOptions auditOptions;
        auditOptions.asOf = geo::Date::fromYmd(2026, 6, 30);
        QCOMPARE(audit->findings().size(),
                 expected->audit(auditOptions, issues).value.findings.size());
        const geo::Ledger expectedLedger =
            expected->ledger(geo::LedgerKind::Supply, {}, issues).value;
        QVERIFY(!firstId(expectedLedger).empty());
        QCOMPARE(firstId(*ledger->ledger()), firstId(expectedLedger));

        // The edit check and the pages take the park from the same session: mapped too.
        const auto park = session->park({}, issues);
        QVERIFY(park->layer(geo::Role::Parcels)->field("parcel_id") >= 0);
        QVERIFY(park->layer(geo::Role::Parcels)->field("land_use") >= 0);
        window->findChild<QAction*>(QStringLiteral("exportMapAction"))->trigger();
        auto* exportDialog = window->findChild<ExportMapDialog*>();
        QVERIFY(exportDialog);
        QSignalSpy previews(exportDialog, &ExportMapDialog::previewReady);
        exportDialog->templateBox()->setCurrentIndex(
            exportDialog->templateBox()->findData(QStringLiteral("规划符合性分析图")));
        QVERIFY(previews.wait(kLoadTimeoutMs));
        for (const geo::ParkLayerSource& source : session->definition().layers)
            QVERIFY2(session->readCount(source.role) == 1, geo::toString(source.role));
    }
};

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Settings (recent files, language) and edit journals in folders of their own.
    QTemporaryDir settings;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
    QApplication::setOrganizationName(QStringLiteral("ParkAtlasTrustTests"));
    qputenv("XDG_DATA_HOME", settings.path().toUtf8());
    TrustTest test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_trust.moc"
