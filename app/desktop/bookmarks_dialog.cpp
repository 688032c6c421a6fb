#include "app/desktop/bookmarks_dialog.h"

#include "app/desktop/map_canvas.h"

#include "geo/crs/transform.h"

#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

namespace parkatlas::desktop {

namespace {

QString crsLabel(const geo::Crs& crs)
{
    return crs.isEmpty() ? QString() : QString::fromStdString(crs.label());
}

} // namespace

BookmarksDialog::BookmarksDialog(
    MapCanvas* canvas, QString projectPath,
    std::function<void(std::function<void(const QString&)>)> makeProject, QWidget* parent)
    : QDialog(parent), m_canvas(canvas), m_makeProject(std::move(makeProject)),
      m_list(new QListWidget(this)), m_status(new QLabel(this)),
      m_addButton(new QPushButton(tr("&Add Current View…"), this)),
      m_goButton(new QPushButton(tr("&Go To"), this)),
      m_renameButton(new QPushButton(tr("&Rename…"), this)),
      m_deleteButton(new QPushButton(tr("&Delete"), this))
{
    setObjectName(QStringLiteral("bookmarksDialog"));
    setWindowTitle(tr("Bookmarks"));
    m_list->setObjectName(QStringLiteral("bookmarkList"));
    m_addButton->setObjectName(QStringLiteral("addBookmarkButton"));
    m_goButton->setObjectName(QStringLiteral("goToBookmarkButton"));
    m_renameButton->setObjectName(QStringLiteral("renameBookmarkButton"));
    m_deleteButton->setObjectName(QStringLiteral("deleteBookmarkButton"));
    m_status->setObjectName(QStringLiteral("bookmarkStatus"));
    m_status->setWordWrap(true);
    // Return in the list goes to the bookmark (itemActivated), never to a button.
    for (QPushButton* button : {m_addButton, m_goButton, m_renameButton, m_deleteButton})
        button->setAutoDefault(false);

    auto* buttons = new QVBoxLayout;
    for (QPushButton* button : {m_addButton, m_goButton, m_renameButton, m_deleteButton})
        buttons->addWidget(button);
    buttons->addStretch(1);
    auto* row = new QHBoxLayout;
    row->addWidget(m_list, 1);
    row->addLayout(buttons);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row, 1);
    layout->addWidget(m_status);

    connect(m_addButton, &QPushButton::clicked, this, [this] { addCurrentView(); });
    connect(m_goButton, &QPushButton::clicked, this, [this] { goTo(m_list->currentRow()); });
    connect(m_renameButton, &QPushButton::clicked, this, [this] { rename(m_list->currentRow()); });
    connect(m_deleteButton, &QPushButton::clicked, this, [this] { remove(m_list->currentRow()); });
    connect(m_list, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { goTo(m_list->row(item)); });
    connect(m_list, &QListWidget::currentRowChanged, this, [this] { updateButtons(); });
    setProjectPath(projectPath);
    resize(420, 300);
}

void BookmarksDialog::setProjectPath(const QString& projectPath)
{
    m_projectPath = projectPath;
    m_bookmarks.clear();
    QStringList problems;
    try {
        m_bookmarks = readBookmarks(projectPath, &problems);
        m_status->setText(problems.join(QLatin1Char('\n')));
    } catch (const std::exception& error) {
        m_status->setText(QString::fromStdString(error.what()));
    }
    if (m_status->text().isEmpty())
        m_status->setText(projectPath.isEmpty()
                              ? tr("Bookmarks are kept in the park's project file, made beside "
                                   "the park when you add the first.")
                              : tr("Kept in %1").arg(projectPath));
    showList();
}

void BookmarksDialog::addCurrentView(const QString& name)
{
    if (m_canvas->layers().empty() || m_canvas->extent().isEmpty()) {
        m_status->setText(tr("Open a park first: a bookmark keeps a view of its map."));
        return;
    }
    QString chosen = name.trimmed();
    if (chosen.isEmpty()) {
        chosen =
            QInputDialog::getText(this, tr("Add Bookmark"), tr("Name of this view:"),
                                  QLineEdit::Normal, tr("Bookmark %1").arg(m_bookmarks.size() + 1))
                .trimmed();
        if (chosen.isEmpty())
            return;
    }
    m_bookmarks.push_back({chosen, m_canvas->extent(), crsLabel(m_canvas->crs())});
    showList();
    m_list->setCurrentRow(static_cast<int>(m_bookmarks.size()) - 1);
    if (!m_projectPath.isEmpty() || !m_makeProject) {
        save();
        return;
    }
    // No project file yet: the window makes one (the park's layers as they are), then the
    // bookmarks go into it.
    m_addButton->setEnabled(false);
    m_makeProject([self = QPointer<BookmarksDialog>(this)](const QString& path) {
        if (!self)
            return;
        self->m_addButton->setEnabled(true);
        if (path.isEmpty()) {
            self->m_status->setText(tr("No project file could be made: the bookmark is kept "
                                       "only until the park is closed."));
            emit self->saved({}, self->m_status->text());
            return;
        }
        self->m_projectPath = path;
        self->save();
    });
}

void BookmarksDialog::goTo(int row)
{
    if (row < 0 || static_cast<std::size_t>(row) >= m_bookmarks.size())
        return;
    const Bookmark& bookmark = m_bookmarks[static_cast<std::size_t>(row)];
    geo::Envelope extent = bookmark.extent;
    const geo::Crs& mapCrs = m_canvas->crs();
    if (!bookmark.crs.isEmpty() && !mapCrs.isEmpty() && bookmark.crs != crsLabel(mapCrs)) {
        try {
            const geo::Transform transform(geo::Crs::fromUserInput(bookmark.crs.toStdString()),
                                           mapCrs);
            double corners[8] = {extent.minX, extent.minY, extent.maxX, extent.minY,
                                 extent.maxX, extent.maxY, extent.minX, extent.maxY};
            if (transform.forward(corners, 4) > 0)
                throw std::runtime_error("the bookmark lies outside the map's CRS");
            extent = {};
            for (int i = 0; i < 4; ++i)
                extent.expand(corners[2 * i], corners[2 * i + 1]);
        } catch (const std::exception& error) {
            m_status->setText(
                tr("Cannot show “%1” in %2: %3")
                    .arg(bookmark.name, crsLabel(mapCrs), QString::fromStdString(error.what())));
            return;
        }
    }
    m_canvas->setExtent(extent);
    m_status->setText(tr("Shown: %1").arg(bookmark.name));
}

void BookmarksDialog::rename(int row, const QString& name)
{
    if (row < 0 || static_cast<std::size_t>(row) >= m_bookmarks.size())
        return;
    Bookmark& bookmark = m_bookmarks[static_cast<std::size_t>(row)];
    QString chosen = name.trimmed();
    if (chosen.isEmpty())
        chosen = QInputDialog::getText(this, tr("Rename Bookmark"), tr("New name:"),
                                       QLineEdit::Normal, bookmark.name)
                     .trimmed();
    if (chosen.isEmpty() || chosen == bookmark.name)
        return;
    bookmark.name = chosen;
    showList();
    m_list->setCurrentRow(row);
    save();
}

void BookmarksDialog::remove(int row)
{
    if (row < 0 || static_cast<std::size_t>(row) >= m_bookmarks.size())
        return;
    m_bookmarks.erase(m_bookmarks.begin() + row);
    showList();
    m_list->setCurrentRow(std::min(row, m_list->count() - 1));
    save();
}

void BookmarksDialog::save()
{
    if (m_projectPath.isEmpty())
        return;
    try {
        saveBookmarks(m_projectPath, m_bookmarks);
        m_status->setText(tr("Kept in %1").arg(m_projectPath));
        emit saved(m_projectPath, {});
    } catch (const std::exception& error) {
        m_status->setText(
            tr("The bookmarks were not saved: %1").arg(QString::fromStdString(error.what())));
        emit saved(m_projectPath, m_status->text());
    }
}

void BookmarksDialog::showList()
{
    const int current = m_list->currentRow();
    m_list->clear();
    for (const Bookmark& bookmark : m_bookmarks) {
        auto* item = new QListWidgetItem(bookmark.name, m_list);
        item->setToolTip(
            QStringLiteral("%1\n%2: %3, %4 – %5, %6")
                .arg(bookmark.name, bookmark.crs.isEmpty() ? tr("raw coordinates") : bookmark.crs)
                .arg(bookmark.extent.minX, 0, 'f', 1)
                .arg(bookmark.extent.minY, 0, 'f', 1)
                .arg(bookmark.extent.maxX, 0, 'f', 1)
                .arg(bookmark.extent.maxY, 0, 'f', 1));
    }
    if (current >= 0 && current < m_list->count())
        m_list->setCurrentRow(current);
    updateButtons();
}

void BookmarksDialog::updateButtons()
{
    const bool picked = m_list->currentRow() >= 0;
    m_goButton->setEnabled(picked);
    m_renameButton->setEnabled(picked);
    m_deleteButton->setEnabled(picked);
}

} // namespace parkatlas::desktop
