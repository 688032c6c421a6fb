#pragma once

#include "app/desktop/park_project.h"

#include <QDialog>
#include <QString>

#include <functional>
#include <vector>

class QLabel;
class QListWidget;
class QPushButton;

namespace parkatlas::desktop {

class MapCanvas;

/// View > Bookmarks (书签): named views of the map, kept in the park's project file (see
/// readBookmarks). Add Current View asks for a name and keeps what the canvas shows; a double
/// click (or Go To) shows a bookmark again; Rename and Delete change the list. Every change is
/// written to the project file at once, so the bookmarks are there when the park is opened again.
/// Non-modal; lives on the GUI thread.
class BookmarksDialog : public QDialog {
    Q_OBJECT
public:
    /// `projectPath` is the park's project file (""  when there is none yet); `makeProject`
    /// is asked to make one when the first bookmark is added, and calls back with its path
    /// ("" when it could not).
    BookmarksDialog(MapCanvas* canvas, QString projectPath,
                    std::function<void(std::function<void(const QString&)>)> makeProject,
                    QWidget* parent = nullptr);

    /// Reads the list again from `projectPath` (another park was opened).
    void setProjectPath(const QString& projectPath);
    const QString& projectPath() const { return m_projectPath; }
    const std::vector<Bookmark>& bookmarks() const { return m_bookmarks; }
    QListWidget* list() const { return m_list; }

    /// Keeps what the canvas shows now as `name` (asked for when empty). Saved at once, or
    /// once makeProject has made the project file; saved() follows.
    void addCurrentView(const QString& name = {});
    /// Shows bookmark `row` on the canvas (transformed when it was kept in another map CRS).
    void goTo(int row);
    /// Renames bookmark `row` (`name` asked for when empty); saved at once.
    void rename(int row, const QString& name = {});
    /// Deletes bookmark `row`; saved at once.
    void remove(int row);

signals:
    /// The bookmarks were written to `path` (`error` empty) or not.
    void saved(const QString& path, const QString& error);

private:
    void save();
    void showList();
    void updateButtons();

    MapCanvas* m_canvas;
    QString m_projectPath;
    std::function<void(std::function<void(const QString&)>)> m_makeProject;
    std::vector<Bookmark> m_bookmarks;
    QListWidget* m_list;
    QLabel* m_status;
    QPushButton* m_addButton;
    QPushButton* m_goButton;
    QPushButton* m_renameButton;
    QPushButton* m_deleteButton;
};

} // namespace parkatlas::desktop
