#include "app/desktop/crs_dialog.h"

#include <QDialogButtonBox>
#include <QFont>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace parkatlas::desktop {

namespace {

constexpr int kDefinitionRole = Qt::UserRole;
constexpr int kMaxListed = 500; // a search narrows it; thousands of rows help nobody

using Catalog = std::shared_ptr<const std::vector<geo::CrsCatalogEntry>>;

/// PROJ's database, read once per process on a worker (never on the GUI thread).
QFuture<Catalog> catalogFuture()
{
    static const QFuture<Catalog> future = QtConcurrent::run(
        [] { return std::make_shared<const std::vector<geo::CrsCatalogEntry>>(geo::crsCatalog()); });
    return future;
}

/// True when every word of `search` is in `text` (case-insensitive).
bool matches(const QString& text, const QStringList& words)
{
    for (const QString& word : words)
        if (!text.contains(word, Qt::CaseInsensitive))
            return false;
    return true;
}

} // namespace

CrsDialog::CrsDialog(const QString& layerName, const std::optional<geo::ZoneProposal>& proposal,
                     const QString& hint, const QString& current, QWidget* parent)
    : QDialog(parent), m_search(new QLineEdit(this)), m_list(new QListWidget(this)),
      m_count(new QLabel(this))
{
    setWindowTitle(tr("Set CRS — %1").arg(layerName));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(this);
    intro->setObjectName(QStringLiteral("crsIntro"));
    intro->setWordWrap(true);
    QString text = current.isEmpty()
                       ? tr("%1 has no coordinate system (no .prj). Choose the one its "
                            "coordinates are in; the choice is saved in the project file.")
                             .arg(layerName)
                       : tr("%1 is read as %2. Choose another coordinate system only when its "
                            "file declares the wrong one; the choice is saved in the project file.")
                             .arg(layerName, current);
    if (proposal) {
        text += QStringLiteral("\n\n") +
                tr("Its eastings carry the zone number %1 (%2-degree zone, central meridian "
                   "%3°E): the codes of that zone are proposed first. Surveys before 2018 are "
                   "often in Xi'an 1980 or Beijing 1954.")
                    .arg(proposal->zone)
                    .arg(proposal->zoneWidthDeg)
                    .arg(proposal->centralMeridianDeg);
        const std::pair<int, QString> codes[] = {
            {proposal->epsgCgcs2000, QStringLiteral("CGCS2000")},
            {proposal->epsgXian1980, tr("Xi'an 1980")},
            {proposal->epsgBeijing1954, tr("Beijing 1954")}};
        for (const auto& [code, datum] : codes)
            if (code > 0)
                m_proposals.push_back(
                    {QStringLiteral("EPSG:%1").arg(code),
                     tr("EPSG:%1 — %2, %3-degree Gauss-Krüger zone %4 (proposed)")
                         .arg(code)
                         .arg(datum)
                         .arg(proposal->zoneWidthDeg)
                         .arg(proposal->zone)});
    } else if (!hint.isEmpty()) {
        text += QStringLiteral("\n\n") + hint;
    }
    intro->setText(text);
    layout->addWidget(intro);

    m_search->setObjectName(QStringLiteral("crsSearch"));
    m_search->setPlaceholderText(tr("Search by EPSG code or name (4547, CGCS2000 114E, Xian 1980…)"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);
    m_list->setObjectName(QStringLiteral("crsList"));
    m_list->setMinimumSize(520, 260);
    layout->addWidget(m_list, 1);
    m_count->setObjectName(QStringLiteral("crsCount"));
    layout->addWidget(m_count);

    auto* buttons =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, Qt::Horizontal, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    m_okButton = buttons->button(QDialogButtonBox::Ok);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QLineEdit::textChanged, this, &CrsDialog::fillList);
    connect(m_list, &QListWidget::currentRowChanged, this, &CrsDialog::updateButtons);
    connect(m_list, &QListWidget::itemDoubleClicked, this, &QDialog::accept);

    connect(&m_catalogWatcher, &QFutureWatcher<Catalog>::finished, this, [this] {
        m_catalog = m_catalogWatcher.result();
        fillList();
        emit catalogLoaded();
    });
    m_catalogWatcher.setFuture(catalogFuture());
    fillList();
}

void CrsDialog::fillList()
{
    const QString chosen = crsDefinition();
    const QStringList words = m_search->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    m_list->clear();
    QFont bold = m_list->font();
    bold.setBold(true);
    QStringList listed;
    for (const Proposal& proposal : m_proposals) {
        if (!matches(proposal.text, words))
            continue;
        auto* item = new QListWidgetItem(proposal.text, m_list);
        item->setData(kDefinitionRole, proposal.definition);
        item->setFont(bold);
        listed.append(proposal.definition);
    }
    int found = 0;
    if (m_catalog)
        for (const geo::CrsCatalogEntry& entry : *m_catalog) {
            const QString definition = QString::fromStdString(entry.definition());
            const QString name = QString::fromStdString(entry.name);
            const QString line = QStringLiteral("%1 — %2").arg(definition, name);
            if (!matches(line, words) || listed.contains(definition))
                continue;
            if (++found > kMaxListed)
                continue;
            auto* item = new QListWidgetItem(line, m_list);
            item->setData(kDefinitionRole, definition);
            item->setToolTip(QString::fromStdString(entry.areaName));
        }
    if (!m_catalog)
        m_count->setText(tr("Reading PROJ's list of coordinate systems…"));
    else if (found > kMaxListed)
        m_count->setText(tr("%1 found; the first %2 are listed: type more to narrow it.")
                             .arg(found)
                             .arg(kMaxListed));
    else
        m_count->setText(tr("%n found", nullptr, found + static_cast<int>(listed.size())));
    // An exact code typed is chosen; else the choice is kept when still listed; else the first.
    int row = m_list->count() > 0 ? 0 : -1;
    bool exact = false;
    for (int i = 0; i < m_list->count() && !exact; ++i) {
        const QString definition = m_list->item(i)->data(kDefinitionRole).toString();
        for (const QString& word : words)
            if (definition.section(QLatin1Char(':'), 1).compare(word, Qt::CaseInsensitive) == 0 ||
                definition.compare(word, Qt::CaseInsensitive) == 0) {
                row = i;
                exact = true;
            }
        if (!exact && !chosen.isEmpty() && definition == chosen)
            row = i;
    }
    m_list->setCurrentRow(row);
    updateButtons();
}

void CrsDialog::updateButtons()
{
    if (m_okButton)
        m_okButton->setEnabled(m_list->currentItem() != nullptr);
}

QString CrsDialog::crsDefinition() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(kDefinitionRole).toString() : QString();
}

QStringList CrsDialog::proposedDefinitions() const
{
    QStringList definitions;
    for (const Proposal& proposal : m_proposals)
        definitions.append(proposal.definition);
    return definitions;
}

} // namespace parkatlas::desktop
