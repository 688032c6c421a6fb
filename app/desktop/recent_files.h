#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace parkatlas::desktop {

/// File > Recent Files: what was opened last (each entry the sources of one Open, newest
/// first, at most kMaxEntries), kept in QSettings so that it outlives the session. Choosing an
/// entry emits openRequested.
class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxEntries = 10;

    /// Fills `menu` (owned by the caller) with the entries and keeps it up to date.
    explicit RecentFiles(QMenu* menu, QObject* parent = nullptr);

    /// Puts `sources` first (moving it up if it was there already) and saves the list.
    void add(const QStringList& sources);
    /// The entries, newest first; each the sources of one Open.
    QList<QStringList> entries() const;
    void clear();
    QMenu* menu() const { return m_menu; }

signals:
    void openRequested(const QStringList& sources);

private:
    void rebuildMenu();

    QMenu* m_menu;
};

} // namespace parkatlas::desktop
