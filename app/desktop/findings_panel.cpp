#include "app/desktop/findings_panel.h"

#include "app/desktop/save_dialog.h"
#include "app/desktop/translation.h"

#include "app/render/layer_style.h"
#include "geo/crs/transform.h"
#include "geo/io/atomic_file.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/park.h"
#include "geo/progress.h"
#include "geo/rules/compliance.h"
#include "geo/rules/findings_io.h"
#include "geo/session/park_session.h"
#include "geo/units.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>

namespace parkatlas::desktop {

namespace {

constexpr int kFindingRole = Qt::UserRole;

constexpr geo::GeometryKind kOverlayKinds[] = {geo::GeometryKind::Polygon, geo::GeometryKind::Line,
                                               geo::GeometryKind::Point};

QString muText(double areaMu)
{
    return std::isnan(areaMu) ? QString() : QString::fromStdString(geo::formatForDisplay(areaMu));
}

/// The plan check on the worker: reads the park (30 % of the progress), then runs every rule
/// the settings enable.
void runComplianceJob(QPromise<FindingsRun>& promise,
                      const std::shared_ptr<geo::ParkSession>& session, const geo::Crs& mapCrs)
{
    runAnalysisJob(
        promise,
        [&](FindingsRun& run) {
            // The job's issues come back with its result (those of the layers it used too,
            // whichever job read them): nothing to collect as they come.
            geo::NullIssueSink streamed;
            // The layers the rules need, read once for every panel (30 % of the progress).
            geo::ComplianceOptions options;
            options.settings = session->complianceSettings(streamed);
            const auto park = session->park(geo::rolesForRules(geo::rulesToRun(options.rules,
                                                                                options.settings),
                                                               options.settings),
                                            streamed, analysisProgress(promise, 0.0, 0.3));
            options.progress = analysisProgress(promise, 0.3, 0.65);
            auto checked = session->check(options, streamed);
            geo::ComplianceResult& result = checked.value;
            run = prepareFindings(std::move(result.findings), park->crs, mapCrs);
            for (const auto& [role, detection] : result.landUseSystems)
                if (!detection.systems.empty())
                    run.landUseSystems.append(
                        QStringLiteral("%1: %2 (%3)%4")
                            .arg(uiName(geo::NameGroup::Role, geo::toString(role)),
                                 QString::fromStdString(detection.label()),
                                 QString::fromStdString(detection.reasonText(uiLanguage())),
                                 detection.warning.empty()
                                     ? QString()
                                     : QStringLiteral(" — ") +
                                           QString::fromStdString(
                                               detection.warningText(uiLanguage()))));
            return std::move(checked.issues);
        },
        [&] { return session->readIssues({}); });
}

QString exportFindings(const QString& path, std::shared_ptr<const FindingsRun> run)
{
    try {
        if (QFileInfo(path).suffix().compare(QLatin1String("gpkg"), Qt::CaseInsensitive) == 0) {
            geo::writeFindingsGeoPackage(path.toStdString(), run->findings, run->parkCrs, true);
            return {};
        }
        // Written under a hidden name and renamed when complete: a failed or interrupted
        // export never leaves a half-written file, and an old one is kept.
        geo::writeFileAtomically(path.toStdString(),
                                 [&](std::ostream& out) { geo::writeFindingsCsv(out, run->findings); });
        return {};
    } catch (const std::exception& error) {
        return QString::fromStdString(error.what());
    }
}

} // namespace

FindingsRun prepareFindings(std::vector<geo::Finding> findings, const geo::Crs& parkCrs,
                            const geo::Crs& mapCrs, geo::AreaMethod areaMethod)
{
    FindingsRun run;
    run.findings = std::move(findings);
    run.parkCrs = parkCrs;
    run.totals = geo::totalsOfFindings(run.findings, parkCrs, areaMethod);
    std::array<geo::Layer, 3> layers;
    for (std::size_t kind = 0; kind < layers.size(); ++kind) {
        layers[kind].name = "findings";
        layers[kind].crs = mapCrs;
        layers[kind].geometry.setKind(kOverlayKinds[kind]);
    }
    run.places.resize(run.findings.size());
    for (std::size_t i = 0; i < run.findings.size(); ++i) {
        const std::vector<unsigned char>& wkb = run.findings[i].geometryWkb;
        if (wkb.empty())
            continue;
        // The WKB says its kind; a store takes only its own, so try each.
        for (std::size_t kind = 0; kind < layers.size(); ++kind) {
            geo::GeometryStore& store = layers[kind].geometry;
            if (store.appendWkb(wkb.data(), wkb.size())) {
                run.places[i].layer = static_cast<int>(kind);
                run.places[i].feature = static_cast<std::uint32_t>(store.featureCount() - 1);
                layers[kind].fids.push_back(static_cast<std::int64_t>(i));
                break;
            }
            store.popFeature();
        }
    }
    if (!parkCrs.isEmpty() && !mapCrs.isEmpty() && !parkCrs.isSameAs(mapCrs)) {
        const geo::Transform transform(parkCrs, mapCrs);
        for (geo::Layer& layer : layers)
            layer.geometry.transformAll(
                [&transform](double* xy, std::size_t count) { transform.forward(xy, count); });
    }
    for (FindingPlace& place : run.places)
        if (place.layer >= 0)
            place.envelope =
                layers[static_cast<std::size_t>(place.layer)].geometry.envelope(place.feature);
    for (std::size_t kind = 0; kind < layers.size(); ++kind)
        run.overlayLayers[kind] = std::make_shared<const geo::Layer>(std::move(layers[kind]));
    return run;
}

// FindingsTree

FindingsTree::FindingsTree(QWidget* parent) : QTreeWidget(parent)
{
    setColumnCount(3);
    setHeaderLabels({tr("Finding"), tr("Mu"), tr("Reason")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    header()->setStretchLastSection(true);
    connect(this, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem* current) { emit findingActivated(findingIndex(current)); });
}

void FindingsTree::setFindings(const std::vector<geo::Finding>& findings,
                               const geo::FindingsTotals& totals)
{
    clear();
    const QLocale locale;
    QTreeWidgetItem* ruleItem = nullptr;
    QString ruleName;
    int count = 0;
    auto finishRule = [&] {
        if (!ruleItem)
            return;
        ruleItem->setText(
            0, tr("%1 (%2)").arg(uiName(geo::NameGroup::Rule, ruleName.toStdString())).arg(count));
        ruleItem->setToolTip(0, ruleName); // the id, as the CLI and the JSON name the rule
        // A rule whose findings have no area (invalid geometry, duplicate ids) shows none,
        // not 0.00 mu. A plot the rule flags twice counts once.
        const geo::FindingsTotal& total = totals.of(ruleName.toStdString());
        ruleItem->setText(1, total.withArea > 0
                                 ? QString::fromStdString(geo::formatForDisplay(total.areaMu))
                                 : QString());
        ruleItem->setToolTip(1, total.withArea == 0 ? tr("These findings concern no area")
                                : total.hasOverlaps()
                                    ? tr("Mu of the land the rule's findings concern, each plot "
                                         "counted once")
                                    : tr("Total mu of the rule's findings"));
    };
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const geo::Finding& finding = findings[i];
        const QString rule = QString::fromStdString(finding.rule);
        if (!ruleItem || rule != ruleName) {
            finishRule();
            ruleItem = new QTreeWidgetItem(this);
            ruleItem->setData(0, kFindingRole, -1);
            ruleItem->setFirstColumnSpanned(false);
            QFont bold = ruleItem->font(0);
            bold.setBold(true);
            ruleItem->setFont(0, bold);
            ruleName = rule;
            count = 0;
        }
        ++count;
        auto* item = new QTreeWidgetItem(ruleItem);
        QString id = QString::fromStdString(finding.featureId);
        if (id.isEmpty()) {
            QStringList fids;
            for (const std::int64_t fid : finding.fids)
                fids.append(locale.toString(static_cast<qlonglong>(fid)));
            id = tr("%1 #%2").arg(uiName(geo::NameGroup::Role, finding.layer),
                                  fids.join(QLatin1Char('/')));
        }
        item->setText(0, id);
        item->setText(1, muText(finding.areaMu));
        item->setText(2, QString::fromStdString(finding.reasonZh));
        item->setData(0, kFindingRole, static_cast<int>(i));
        QString tip = QString::fromStdString(finding.reasonEn);
        if (!finding.clause.empty())
            tip += QLatin1Char('\n') + QString::fromStdString(finding.clause);
        item->setToolTip(2, tip);
        item->setToolTip(0, tr("Layer: %1").arg(uiName(geo::NameGroup::Role, finding.layer)));
        // What the filter looks in.
        item->setData(2, kFindingRole,
                      QStringList{rule, uiName(geo::NameGroup::Rule, finding.rule),
                                  QString::fromStdString(finding.layer), id,
                                  QString::fromStdString(finding.reasonZh),
                                  QString::fromStdString(finding.reasonEn)}
                          .join(QLatin1Char('\n')));
    }
    finishRule();
    expandAll();
    resizeColumnToContents(0);
    resizeColumnToContents(1);
}

void FindingsTree::setFilterText(const QString& text)
{
    for (int top = 0; top < topLevelItemCount(); ++top) {
        QTreeWidgetItem* ruleItem = topLevelItem(top);
        bool anyShown = false;
        for (int row = 0; row < ruleItem->childCount(); ++row) {
            QTreeWidgetItem* item = ruleItem->child(row);
            const bool shown =
                text.isEmpty() ||
                item->data(2, kFindingRole).toString().contains(text, Qt::CaseInsensitive);
            item->setHidden(!shown);
            anyShown = anyShown || shown;
        }
        ruleItem->setHidden(!anyShown);
    }
}

QTreeWidgetItem* FindingsTree::itemForFinding(int index) const
{
    for (int top = 0; top < topLevelItemCount(); ++top) {
        QTreeWidgetItem* ruleItem = topLevelItem(top);
        for (int row = 0; row < ruleItem->childCount(); ++row)
            if (findingIndex(ruleItem->child(row)) == index)
                return ruleItem->child(row);
    }
    return nullptr;
}

int FindingsTree::findingIndex(const QTreeWidgetItem* item)
{
    return item ? item->data(0, kFindingRole).toInt() : -1;
}

// FindingsPanel

FindingsPanel::FindingsPanel(QWidget* parent)
    : AnalysisPanel(true, parent), m_filter(new QLineEdit(this)), m_tree(new FindingsTree(this))
{
    nameControls(QStringLiteral("runButton"), QStringLiteral("cancelButton"),
                 QStringLiteral("exportButton"), QStringLiteral("runProgress"),
                 QStringLiteral("findingsSummary"));
    m_filter->setObjectName(QStringLiteral("findingsFilter"));
    m_tree->setObjectName(QStringLiteral("findingsTree"));
    m_tree->setMinimumHeight(40);
    m_filter->setPlaceholderText(tr("Filter findings…"));
    m_filter->setClearButtonEnabled(true);
    arrange(m_filter, m_tree);

    connect(m_filter, &QLineEdit::textChanged, m_tree, &FindingsTree::setFilterText);
    connect(m_tree, &FindingsTree::findingActivated, this, &FindingsPanel::activateFinding);
    updateButtons();
}

void FindingsPanel::setSource(std::shared_ptr<geo::ParkSession> session, const geo::Crs& mapCrs)
{
    m_mapCrs = mapCrs;
    setSession(std::move(session));
    emit overlayChanged();
}

void FindingsPanel::clearResult()
{
    m_result.reset();
    m_current = -1;
    m_tree->clear();
}

QFuture<FindingsRun> FindingsPanel::startRun(std::shared_ptr<geo::ParkSession> session,
                                             const geo::Crs& mapCrs)
{
    return QtConcurrent::run(runComplianceJob, std::move(session), mapCrs);
}

QFuture<void> FindingsPanel::startJob()
{
    m_job = startRun(session(), m_mapCrs);
    return QFuture<void>(m_job);
}

QString FindingsPanel::runningText() const
{
    return tr("Checking %1…").arg(QFileInfo(source()).fileName());
}

void FindingsPanel::acceptResult()
{
    acceptRun(std::make_shared<const FindingsRun>(m_job.result()), {});
}

void FindingsPanel::showRun(const FindingsRun& run, const QString& title)
{
    cancel();
    progressBar()->setVisible(false);
    acceptRun(std::make_shared<const FindingsRun>(run), title);
}

void FindingsPanel::acceptRun(std::shared_ptr<const FindingsRun> result, const QString& title)
{
    const QString prefix = title.isEmpty() ? QString() : title + QStringLiteral(": ");
    const bool failed = !result->error.isEmpty();
    if (failed) {
        showSummary(prefix + tr("The check failed: %1").arg(result->error));
    } else {
        // The land the findings concern, each plot once however many rules flag it; the
        // findings that could not decide are apart and never in the measured total.
        const geo::FindingsTotal& measured = result->totals.measured;
        const geo::FindingsTotal& undecided = result->totals.undecided;
        const auto count = static_cast<int>(measured.findings);
        QString summary = tr("%n finding(s), %1 mu", nullptr, count)
                              .arg(QString::fromStdString(geo::formatForDisplay(
                                  measured.withArea > 0 ? measured.areaMu : 0.0)));
        if (undecided.findings > 0)
            summary += tr("; %n cannot be decided (not in the total)", nullptr,
                          static_cast<int>(undecided.findings));
        showSummary(prefix + summary);
        // Which classification each layer's land-use codes were read in, and why.
        if (!result->landUseSystems.isEmpty())
            summaryLabel()->setToolTip(summaryLabel()->text() + QLatin1Char('\n') +
                                       tr("Land use read in: %1")
                                           .arg(result->landUseSystems.join(QStringLiteral("; "))));
    }
    const QStringList messages = runMessages(result->issues, failed);
    m_result = std::move(result);
    m_current = -1;
    {
        const QSignalBlocker blocker(m_tree);
        m_tree->setFindings(m_result->findings, m_result->totals);
        m_tree->setFilterText(m_filter->text());
    }
    endRun(messages);
}

void FindingsPanel::dropFindingsOf(const std::string& layer, std::int64_t fid,
                                   const QString& title)
{
    if (!m_result)
        return;
    std::vector<geo::Finding> kept;
    for (const geo::Finding& finding : m_result->findings)
        if (finding.layer != layer ||
            std::find(finding.fids.begin(), finding.fids.end(), fid) == finding.fids.end())
            kept.push_back(finding);
    if (kept.size() == m_result->findings.size())
        return;
    FindingsRun run = prepareFindings(std::move(kept), m_result->parkCrs, m_mapCrs);
    showRun(run, title);
}

const std::vector<geo::Finding>& FindingsPanel::findings() const
{
    static const std::vector<geo::Finding> kNone;
    return m_result ? m_result->findings : kNone;
}

geo::Envelope FindingsPanel::envelopeOf(int index) const
{
    if (!m_result || index < 0 || static_cast<std::size_t>(index) >= m_result->places.size())
        return {};
    return m_result->places[static_cast<std::size_t>(index)].envelope;
}

std::vector<render::LayerSnapshot> FindingsPanel::overlay() const
{
    std::vector<render::LayerSnapshot> snapshots;
    if (!m_result)
        return snapshots;
    for (std::size_t kind = 0; kind < m_result->overlayLayers.size(); ++kind) {
        const auto& layer = m_result->overlayLayers[kind];
        if (!layer || layer->geometry.featureCount() == 0)
            continue;
        render::LayerStyle style;
        style.stroke = m_overlayColour;
        style.strokeWidth = kOverlayKinds[kind] == geo::GeometryKind::Line ? 2.5 : 1.5;
        style.fill = m_overlayColour;
        style.fillPattern =
            kOverlayKinds[kind] == geo::GeometryKind::Point ? Qt::SolidPattern : Qt::BDiagPattern;
        style.pointDiameter = 8.0;
        snapshots.emplace_back(layer, std::move(style));
    }
    if (m_current >= 0 && static_cast<std::size_t>(m_current) < m_result->places.size()) {
        const FindingPlace& place = m_result->places[static_cast<std::size_t>(m_current)];
        if (place.layer >= 0) {
            const auto kind = static_cast<std::size_t>(place.layer);
            snapshots.emplace_back(
                m_result->overlayLayers[kind],
                render::LayerStyle::selectionFor(kOverlayKinds[kind]), std::nullopt,
                std::make_shared<const std::vector<std::uint32_t>>(1, place.feature));
        }
    }
    return snapshots;
}

void FindingsPanel::activateFinding(int index)
{
    if (m_current == index)
        return;
    m_current = index;
    showChosen(m_tree, index >= 0 ? m_tree->itemForFinding(index) : nullptr, envelopeOf(index));
}

void FindingsPanel::exportDialog()
{
    const QString path = askSavePath(this, tr("Export findings"), m_exportBaseName,
                                     {{tr("CSV, UTF-8 (*.csv)"), QStringLiteral("csv")},
                                      {tr("GeoPackage (*.gpkg)"), QStringLiteral("gpkg")}});
    if (!path.isEmpty())
        exportTo(path);
}

bool FindingsPanel::canExport() const
{
    return m_result && !m_result->findings.empty();
}

QFuture<QString> FindingsPanel::startExport(const QString& path)
{
    return QtConcurrent::run(exportFindings, path, m_result);
}

} // namespace parkatlas::desktop
