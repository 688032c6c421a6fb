#include "app/desktop/changes_panel.h"

#include "app/desktop/translation.h"

#include "app/render/layer_style.h"
#include "geo/crs/transform.h"
#include "geo/io/history_read.h"
#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/session/park_session.h"
#include "geo/units.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDateEdit>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <exception>

namespace parkatlas::desktop {

namespace {

constexpr int kLayerRole = Qt::UserRole;
constexpr int kItemRole = Qt::UserRole + 1;

/// What to compare, taken on the GUI thread.
struct ChangesRequest {
    std::shared_ptr<geo::ParkSession> session;
    ChangesPanel::Mode mode = ChangesPanel::Mode::Dates;
    std::string parkSource; // the open park, without a date
    std::string from, to;   // YYYY-MM-DD; to "" = as it is now
    std::string otherPath;
    bool otherIsOlder = true;
    QString nowLabel; // "now", translated on the GUI thread
};

/// The comparison on the worker: reads the two parks (70 % of the progress), then compares them.
void runChangesJob(QPromise<ChangesRun>& promise, const ChangesRequest& request,
                   const geo::Crs& mapCrs)
{
    // The problems met so far come back with the run, also when it fails.
    geo::IssueList issues;
    auto readPark = [&](ChangesRun& run, const std::string& source, double begin, double span) {
        const geo::ParkDefinition definition = geo::discoverPark(source);
        for (const std::string& warning : definition.warnings)
            run.issues.append(QString::fromStdString(warning));
        geo::ParkLoadOptions options;
        options.progress = analysisProgress(promise, begin, span);
        return geo::loadPark(definition, options, issues);
    };
    auto compare = [&](ChangesRun& run) {
        geo::Park oldOwned, newOwned;
        std::shared_ptr<const geo::Park> sessionPark;
        const geo::Park* oldPark = &oldOwned;
        const geo::Park* newPark = &newOwned;
        if (request.mode == ChangesPanel::Mode::Dates) {
            oldOwned = readPark(run, request.parkSource + "@" + request.from, 0.0, 0.35);
            newOwned = readPark(run, request.to.empty() ? request.parkSource
                                                   : request.parkSource + "@" + request.to,
                                0.35, 0.35);
            geo::transformPark(newOwned, oldOwned.crs, issues);
            run.oldLabel = QString::fromStdString(request.from);
            run.newLabel =
                request.to.empty() ? request.nowLabel : QString::fromStdString(request.to);
        } else {
            sessionPark = request.session->park({}, issues, analysisProgress(promise, 0.0, 0.35));
            geo::Park other = readPark(run, request.otherPath, 0.35, 0.35);
            const std::string moved = geo::transformPark(other, sessionPark->crs, issues);
            if (!moved.empty())
                run.issues.append(ChangesPanel::tr("%1 was transformed from %2 to be compared")
                                      .arg(QString::fromStdString(request.otherPath),
                                           QString::fromStdString(moved)));
            const QString otherLabel =
                QFileInfo(QString::fromStdString(request.otherPath)).fileName();
            const QString openLabel =
                QFileInfo(QString::fromStdString(request.parkSource)).fileName();
            if (request.otherIsOlder) {
                oldOwned = std::move(other);
                newPark = sessionPark.get();
                run.oldLabel = otherLabel;
                run.newLabel = openLabel;
            } else {
                newOwned = std::move(other);
                oldPark = sessionPark.get();
                run.oldLabel = openLabel;
                run.newLabel = otherLabel;
            }
        }
        geo::DiffOptions options;
        options.progress = analysisProgress(promise, 0.7, 0.28);
        run.diff = geo::diffParks(*oldPark, *newPark, options, issues);
        run.overlays = render::changeOverlays(*newPark, *oldPark, run.diff, {}, &run.places);
        // Drawn in the map's CRS.
        const geo::Crs& parkCrs = oldPark->crs;
        if (!parkCrs.isEmpty() && !mapCrs.isEmpty() && !parkCrs.isSameAs(mapCrs)) {
            const geo::Transform transform(parkCrs, mapCrs);
            for (render::LayerSnapshot& snapshot : run.overlays) {
                auto moved = std::make_shared<geo::Layer>(*snapshot.layer);
                moved->geometry.transformAll(
                    [&transform](double* xy, std::size_t count) { transform.forward(xy, count); });
                moved->crs = mapCrs;
                snapshot.layer = std::move(moved);
            }
        }
        run.envelopes.resize(run.places.size());
        for (std::size_t l = 0; l < run.places.size(); ++l)
            for (const render::ChangePlace& place : run.places[l]) {
                geo::Envelope envelope;
                if (place.snapshot >= 0)
                    for (std::uint32_t feature : place.features)
                        envelope.expand(run.overlays[static_cast<std::size_t>(place.snapshot)]
                                            .layer->geometry.envelope(feature));
                run.envelopes[l].push_back(envelope);
            }
        for (const std::string& note : run.diff.notes)
            run.issues.append(QString::fromStdString(note));
        for (const geo::LayerDiff& layer : run.diff.layers)
            for (const std::string& note : layer.notes)
                run.issues.append(QString::fromStdString(note));
        return issues.issues();
    };
    runAnalysisJob(promise, compare, [&] { return issues.issues(); });
}

QString sizeText(const geo::DiffItem& item, bool old)
{
    const double mu = old ? item.oldAreaMu : item.newAreaMu;
    if (std::isfinite(mu))
        return QString::fromStdString(geo::formatForDisplay(mu));
    const double km = old ? item.oldLengthKm : item.newLengthKm;
    if (std::isfinite(km))
        return QStringLiteral("%1 km").arg(km, 0, 'f', 3);
    return {};
}

QString kindText(const geo::DiffItem& item)
{
    QString kind = item.kind == geo::ChangeKind::Added     ? ChangesPanel::tr("Added")
                   : item.kind == geo::ChangeKind::Removed ? ChangesPanel::tr("Removed")
                                                           : ChangesPanel::tr("Changed");
    if (item.relation == "split")
        kind += QStringLiteral(" · ") + ChangesPanel::tr("split");
    else if (item.relation == "merge")
        kind += QStringLiteral(" · ") + ChangesPanel::tr("merge");
    else if (!item.relation.empty())
        kind += QStringLiteral(" · ") + ChangesPanel::tr("split and merge");
    return kind;
}

QString idsText(const std::vector<std::string>& ids)
{
    QStringList out;
    for (const std::string& id : ids)
        if (!id.empty())
            out.append(QString::fromStdString(id));
    return out.join(QStringLiteral("、"));
}

QString itemIdText(const geo::DiffItem& item)
{
    if (item.relation.empty())
        return QString::fromStdString(item.label());
    return idsText(item.oldIds) + QStringLiteral(" → ") + idsText(item.newIds);
}

QString fieldsText(const geo::DiffItem& item, geo::Role role)
{
    if (item.kind != geo::ChangeKind::Changed)
        return {};
    QStringList out;
    if (item.geometryChanged)
        out.append(ChangesPanel::tr("shape"));
    for (const geo::FieldChange& field : item.fields) {
        const QString before = QString::fromStdString(geo::diffValueText(field.oldValue));
        const QString after = QString::fromStdString(geo::diffValueText(field.newValue));
        out.append(QStringLiteral("%1: %2 → %3")
                       .arg(uiName(geo::NameGroup::Field, field.name, geo::toString(role)),
                            before.isEmpty() ? ChangesPanel::tr("unknown") : before,
                            after.isEmpty() ? ChangesPanel::tr("unknown") : after));
    }
    return out.join(QStringLiteral("; "));
}

} // namespace

ChangesPanel::ChangesPanel(QWidget* parent)
    : AnalysisPanel(false, parent), m_mode(new QComboBox(this)),
      m_modePages(new QStackedWidget(this)), m_from(new QDateEdit(this)),
      m_to(new QDateEdit(this)), m_toNow(new QPushButton(ChangesPanel::tr("Now"), this)),
      m_otherPath(new QLineEdit(this)), m_direction(new QComboBox(this)),
      m_tree(new QTreeWidget(this))
{
    runButton()->setText(ChangesPanel::tr("&Compare"));
    nameControls(QStringLiteral("compareButton"), QStringLiteral("cancelButton"), QString(),
                 QStringLiteral("changesProgress"), QStringLiteral("changesSummary"));
    m_mode->setObjectName(QStringLiteral("changesMode"));
    m_from->setObjectName(QStringLiteral("changesFrom"));
    m_to->setObjectName(QStringLiteral("changesTo"));
    m_otherPath->setObjectName(QStringLiteral("changesOtherPark"));
    m_direction->setObjectName(QStringLiteral("changesDirection"));
    m_tree->setObjectName(QStringLiteral("changesTree"));

    m_mode->addItem(ChangesPanel::tr("Between two dates"));
    m_mode->addItem(ChangesPanel::tr("With another park file"));
    m_mode->setToolTip(
        ChangesPanel::tr("Compare the open park as it was on two days (from the history it "
                         "keeps), or with another park file"));
    const QDate today = QDate::currentDate();
    for (QDateEdit* edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setMaximumDate(today);
    }
    m_from->setDate(QDate(today.year(), today.month() <= 6 ? 1 : 7, 1).addDays(-1));
    m_to->setDate(today);
    m_to->setSpecialValueText(QString());
    m_toNow->setToolTip(ChangesPanel::tr("Compare with the park as it is now"));
    m_toNow->setCheckable(true);
    m_toNow->setChecked(true);
    auto* datesPage = new QWidget(m_modePages);
    auto* datesRow = new QHBoxLayout(datesPage);
    datesRow->setContentsMargins(0, 0, 0, 0);
    datesRow->addWidget(new QLabel(ChangesPanel::tr("From"), datesPage));
    datesRow->addWidget(m_from);
    datesRow->addWidget(new QLabel(ChangesPanel::tr("to"), datesPage));
    datesRow->addWidget(m_to);
    datesRow->addWidget(m_toNow);
    auto* filePage = new QWidget(m_modePages);
    auto* fileRow = new QHBoxLayout(filePage);
    fileRow->setContentsMargins(0, 0, 0, 0);
    m_otherPath->setPlaceholderText(
        ChangesPanel::tr("Another park (GeoPackage, folder, project)…"));
    auto* browseButton = new QPushButton(ChangesPanel::tr("Browse…"), filePage);
    m_direction->addItem(ChangesPanel::tr("is older"));
    m_direction->addItem(ChangesPanel::tr("is newer"));
    m_direction->setToolTip(
        ChangesPanel::tr("Whether the other park is the earlier or the later one"));
    fileRow->addWidget(m_otherPath, 1);
    fileRow->addWidget(browseButton);
    fileRow->addWidget(m_direction);
    m_modePages->addWidget(datesPage);
    m_modePages->addWidget(filePage);

    summaryLabel()->setWordWrap(true);
    m_tree->setColumnCount(5);
    m_tree->setHeaderLabels({ChangesPanel::tr("Change"), ChangesPanel::tr("Id"),
                             ChangesPanel::tr("Mu before"), ChangesPanel::tr("Mu after"),
                             ChangesPanel::tr("What changed")});
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setMinimumHeight(40);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_mode);
    layout->addWidget(m_modePages);
    layout->addLayout(controlsLayout());
    layout->addWidget(summaryLabel());
    layout->addWidget(m_tree, 1);

    connect(m_mode, &QComboBox::currentIndexChanged, m_modePages, &QStackedWidget::setCurrentIndex);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] { updateButtons(); });
    connect(m_otherPath, &QLineEdit::textChanged, this, [this] { updateButtons(); });
    connect(m_toNow, &QPushButton::toggled, this, [this](bool now) {
        m_toIsNow = now;
        m_to->setEnabled(!now);
    });
    m_to->setEnabled(false);
    connect(browseButton, &QPushButton::clicked, this, &ChangesPanel::browse);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* current) {
        if (current && current->data(0, kItemRole).isValid())
            activateItem(current->data(0, kLayerRole).toInt(), current->data(0, kItemRole).toInt());
        else
            activateItem(-1, -1);
    });
    updateButtons();
}

void ChangesPanel::setSource(std::shared_ptr<geo::ParkSession> session, const geo::Crs& mapCrs)
{
    m_mapCrs = mapCrs;
    setSession(std::move(session));
    emit overlayChanged();
}

void ChangesPanel::clearResult()
{
    m_result.reset();
    m_currentLayer = m_currentItem = -1;
    m_tree->clear();
}

void ChangesPanel::setDates(const QDate& from, const QDate& to)
{
    m_mode->setCurrentIndex(static_cast<int>(Mode::Dates));
    m_from->setDate(from);
    m_toNow->setChecked(!to.isValid());
    if (to.isValid())
        m_to->setDate(to);
}

void ChangesPanel::setOtherPark(const QString& path, bool otherIsOlder)
{
    m_mode->setCurrentIndex(static_cast<int>(Mode::File));
    m_otherPath->setText(path);
    m_direction->setCurrentIndex(otherIsOlder ? 0 : 1);
}

ChangesPanel::Mode ChangesPanel::mode() const
{
    return static_cast<Mode>(m_mode->currentIndex());
}

void ChangesPanel::browse()
{
    const QString path = QFileDialog::getOpenFileName(
        this, ChangesPanel::tr("Compare with park"), QFileInfo(m_otherPath->text()).path(),
        ChangesPanel::tr("Parks (*.gpkg *.parkatlas.json);;All files (*)"));
    if (!path.isEmpty())
        m_otherPath->setText(path);
}

bool ChangesPanel::canRun() const
{
    return mode() == Mode::Dates || !m_otherPath->text().trimmed().isEmpty();
}

QFuture<void> ChangesPanel::startJob()
{
    ChangesRequest request;
    request.session = session();
    request.mode = mode();
    request.parkSource = geo::splitParkDate(session()->definition().source).first;
    request.from = m_from->date().toString(Qt::ISODate).toStdString();
    if (!m_toIsNow && m_to->date() < QDate::currentDate())
        request.to = m_to->date().toString(Qt::ISODate).toStdString();
    request.otherPath = m_otherPath->text().trimmed().toStdString();
    request.otherIsOlder = m_direction->currentIndex() == 0;
    request.nowLabel = ChangesPanel::tr("now");
    m_job = QtConcurrent::run(runChangesJob, std::move(request), m_mapCrs);
    return QFuture<void>(m_job);
}

QString ChangesPanel::runningText() const
{
    return ChangesPanel::tr("Comparing…");
}

void ChangesPanel::acceptResult()
{
    m_result = std::make_shared<const ChangesRun>(m_job.result());
    m_currentLayer = m_currentItem = -1;
    const bool failed = !m_result->error.isEmpty();
    if (failed) {
        showSummary(ChangesPanel::tr("The comparison failed: %1").arg(m_result->error));
    } else {
        int counts[3] = {0, 0, 0};
        for (const geo::LayerDiff& layer : m_result->diff.layers)
            for (const geo::DiffItem& item : layer.items)
                ++counts[static_cast<int>(item.kind)];
        showSummary(ChangesPanel::tr("%1 → %2: %3 added, %4 changed, %5 removed")
                        .arg(m_result->oldLabel, m_result->newLabel)
                        .arg(counts[static_cast<int>(geo::ChangeKind::Added)])
                        .arg(counts[static_cast<int>(geo::ChangeKind::Changed)])
                        .arg(counts[static_cast<int>(geo::ChangeKind::Removed)]));
    }
    // The summary is shown whole (word-wrapped): its tooltip lists what the run reported.
    const QStringList messages = runMessages(m_result->issues, failed);
    summaryLabel()->setToolTip(messages.join(QLatin1Char('\n')));
    {
        const QSignalBlocker blocker(m_tree);
        fillTree();
    }
    endRun(messages);
}

void ChangesPanel::fillTree()
{
    m_tree->clear();
    if (!m_result)
        return;
    const std::vector<geo::LayerDiff>& layers = m_result->diff.layers;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const geo::LayerDiff& layer = layers[l];
        if (layer.items.empty())
            continue;
        auto* roleItem = new QTreeWidgetItem(m_tree);
        roleItem->setText(0, ChangesPanel::tr("%1 (%2)")
                                 .arg(uiName(geo::NameGroup::Role, geo::toString(layer.role)))
                                 .arg(layer.items.size()));
        roleItem->setFirstColumnSpanned(true);
        QFont bold = roleItem->font(0);
        bold.setBold(true);
        roleItem->setFont(0, bold);
        roleItem->setToolTip(
            0, ChangesPanel::tr("Matched by %1").arg(QString::fromStdString(layer.matchedBy)));
        for (std::size_t i = 0; i < layer.items.size(); ++i) {
            const geo::DiffItem& item = layer.items[i];
            auto* row = new QTreeWidgetItem(roleItem);
            row->setText(0, kindText(item));
            row->setText(1, itemIdText(item));
            row->setText(2, sizeText(item, true));
            row->setText(3, sizeText(item, false));
            row->setText(4, fieldsText(item, layer.role));
            row->setToolTip(4, row->text(4));
            row->setData(0, kLayerRole, static_cast<int>(l));
            row->setData(0, kItemRole, static_cast<int>(i));
            const QColor colour = item.kind == geo::ChangeKind::Added     ? QColor(26, 152, 80)
                                  : item.kind == geo::ChangeKind::Removed ? QColor(215, 25, 28)
                                                                          : QColor(230, 120, 0);
            row->setForeground(0, colour);
        }
    }
    m_tree->expandAll();
    for (int column = 0; column < 4; ++column)
        m_tree->resizeColumnToContents(column);
}

QTreeWidgetItem* ChangesPanel::rowOf(int layer, int item) const
{
    for (int top = 0; top < m_tree->topLevelItemCount(); ++top) {
        QTreeWidgetItem* roleItem = m_tree->topLevelItem(top);
        for (int row = 0; row < roleItem->childCount(); ++row) {
            QTreeWidgetItem* child = roleItem->child(row);
            if (child->data(0, kLayerRole).toInt() == layer &&
                child->data(0, kItemRole).toInt() == item)
                return child;
        }
    }
    return nullptr;
}

void ChangesPanel::activateItem(int layer, int item)
{
    if (m_currentLayer == layer && m_currentItem == item)
        return;
    m_currentLayer = layer;
    m_currentItem = item;
    geo::Envelope envelope;
    if (m_result && layer >= 0 && static_cast<std::size_t>(layer) < m_result->envelopes.size() &&
        item >= 0 &&
        static_cast<std::size_t>(item) <
            m_result->envelopes[static_cast<std::size_t>(layer)].size())
        envelope =
            m_result->envelopes[static_cast<std::size_t>(layer)][static_cast<std::size_t>(item)];
    showChosen(m_tree, layer >= 0 ? rowOf(layer, item) : nullptr, envelope);
}

std::vector<render::LayerSnapshot> ChangesPanel::overlay() const
{
    if (!m_result)
        return {};
    std::vector<render::LayerSnapshot> snapshots = m_result->overlays;
    if (m_currentLayer < 0 || m_currentItem < 0)
        return snapshots;
    const auto& places = m_result->places[static_cast<std::size_t>(m_currentLayer)];
    const render::ChangePlace& place = places[static_cast<std::size_t>(m_currentItem)];
    if (place.snapshot < 0)
        return snapshots;
    const render::LayerSnapshot& drawn =
        m_result->overlays[static_cast<std::size_t>(place.snapshot)];
    snapshots.emplace_back(
        drawn.layer, render::LayerStyle::selectionFor(drawn.layer->geometry.kind()), std::nullopt,
        std::make_shared<const std::vector<std::uint32_t>>(place.features));
    return snapshots;
}

} // namespace parkatlas::desktop
