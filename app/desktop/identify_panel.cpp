#include "app/desktop/identify_panel.h"

#include "geo/units.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace parkatlas::desktop {

namespace {

QString number(double value, int decimals)
{
    if (!std::isfinite(value))
        return {};
    return QString::fromStdString(geo::formatForDisplay(value, decimals));
}

} // namespace

QString IdentifyPanel::stageName(geo::TimelineStage stage)
{
    switch (stage) {
    case geo::TimelineStage::Acquisition: return tr("Acquisition");
    case geo::TimelineStage::Supply: return tr("Land supplied");
    case geo::TimelineStage::AgreedStart: return tr("Agreed start");
    case geo::TimelineStage::ActualStart: return tr("Actual start");
    case geo::TimelineStage::Stopped: return tr("Stopped");
    case geo::TimelineStage::AgreedFinish: return tr("Agreed completion");
    case geo::TimelineStage::Completion: return tr("Completed");
    case geo::TimelineStage::IdleFinding: return tr("Found idle");
    case geo::TimelineStage::Disposal: return tr("Disposal");
    }
    return {};
}

IdentifyPanel::IdentifyPanel(QWidget* parent)
    : QWidget(parent), m_tree(new QTreeWidget(this)), m_note(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tree->setObjectName(QStringLiteral("identifyTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Field"), tr("Value")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->setAlternatingRowColors(true);
    m_note->setObjectName(QStringLiteral("identifyNote"));
    m_note->setWordWrap(true);
    m_note->setText(tr("Click a feature on the map to see its attributes and its area."));
    layout->addWidget(m_tree);
    layout->addWidget(m_note);
}

void IdentifyPanel::clear()
{
    m_results.clear();
    m_tree->clear();
    m_note->setText(tr("Click a feature on the map to see its attributes and its area."));
}

void IdentifyPanel::setResults(std::vector<IdentifyResult> results)
{
    m_results = std::move(results);
    m_tree->clear();
    if (m_results.empty()) {
        m_note->setText(tr("Nothing here. Click a feature on the map."));
        return;
    }
    QString crs;
    for (const IdentifyResult& result : m_results) {
        crs = result.crsLabel;
        auto* top = new QTreeWidgetItem(m_tree);
        top->setText(0, result.layerName);
        top->setText(1, tr("fid %1").arg(result.fid));
        if (!result.roleName.isEmpty())
            top->setToolTip(0, result.roleName);
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);

        const FeatureMeasurement& measurement = result.measurement;
        auto addRow = [top](const QString& field, const QString& value, bool emphasise = false) {
            auto* item = new QTreeWidgetItem(top);
            item->setText(0, field);
            item->setText(1, value);
            if (emphasise) {
                QFont font = item->font(1);
                font.setBold(true);
                item->setFont(1, font);
            }
            return item;
        };
        if (measurement.kind == geo::GeometryKind::Polygon) {
            addRow(tr("Area (ellipsoidal), mu"),
                   number(geo::muFromM2(measurement.ellipsoidalM2), 2), true);
            addRow(tr("Area (ellipsoidal), m²"), number(measurement.ellipsoidalM2, 2));
            addRow(tr("Area (planar), mu"), std::isfinite(measurement.planarM2)
                                                ? number(geo::muFromM2(measurement.planarM2), 2)
                                                : tr("not available"));
            addRow(tr("Area (planar), m²"), number(measurement.planarM2, 2));
        } else if (measurement.kind == geo::GeometryKind::Line) {
            addRow(tr("Length (geodesic), m"), number(measurement.lengthM, 2), true);
            addRow(tr("Length (geodesic), km"), number(measurement.lengthM / 1000.0, 3));
        }
        if (!measurement.problem.empty())
            addRow(tr("Note"), QString::fromStdString(measurement.problem));
        if (result.hasTimeline) {
            QTreeWidgetItem* branch = addRow(tr("Timeline"), {});
            branch->setData(0, Qt::UserRole, QStringLiteral("timeline"));
            for (const geo::TimelineStep& step : result.timeline) {
                QString value = step.date.empty() ? tr("date unknown")
                                                  : QString::fromStdString(step.date);
                if (!step.value.empty())
                    value += QStringLiteral(" · ") + QString::fromStdString(step.value);
                auto* item = new QTreeWidgetItem(branch);
                item->setText(0, stageName(step.stage));
                item->setText(1, value);
                item->setData(0, Qt::UserRole, QString::fromUtf8(geo::toString(step.stage)));
                QStringList tip;
                if (!step.field.empty())
                    tip << tr("Date from the field %1").arg(QString::fromStdString(step.field));
                if (!step.changedAt.empty())
                    tip << tr("Change recorded %1 by %2 (%3)")
                               .arg(QString::fromStdString(step.changedAt),
                                    QString::fromStdString(step.changedBy),
                                    QString::fromStdString(step.command));
                if (step.date.empty()) {
                    tip << tr("Nothing records when this happened.");
                    item->setForeground(1, palette().color(QPalette::PlaceholderText));
                }
                item->setToolTip(1, tip.join(QLatin1Char('\n')));
            }
            if (result.timeline.empty())
                branch->setText(1, tr("no step recorded"));
            if (!result.timelineProblem.isEmpty()) {
                branch->setText(1, tr("from the fields only: history not read"));
                branch->setToolTip(1, tr("History not read: %1").arg(result.timelineProblem));
            }
            branch->setExpanded(true);
        }
        for (std::size_t a = 0; a < result.attributes.size(); ++a) {
            const auto& [field, value] = result.attributes[a];
            QTreeWidgetItem* item = addRow(field, value.isEmpty() ? tr("(unknown)") : value);
            if (a < static_cast<std::size_t>(result.attributeSources.size()))
                item->setToolTip(0, result.attributeSources[static_cast<int>(a)]);
            if (value.isEmpty())
                item->setForeground(1, palette().color(QPalette::PlaceholderText));
        }
    }
    m_tree->topLevelItem(0)->setExpanded(true);
    m_note->setText(tr("%n feature(s) here, the topmost first. Areas are measured in the map "
                       "CRS %1 (the layers are reprojected into it on load): ellipsoidal on its "
                       "datum's ellipsoid, planar in its projection.",
                       nullptr, static_cast<int>(m_results.size()))
                        .arg(crs));
}

} // namespace parkatlas::desktop
