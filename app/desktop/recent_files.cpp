#include "app/desktop/recent_files.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace parkatlas::desktop {

namespace {

const QString kSettingKey = QStringLiteral("recentFiles");
// Sources of one entry are stored joined by a character no path holds.
const QChar kSeparator = QChar(0x1f);

} // namespace

RecentFiles::RecentFiles(QMenu* menu, QObject* parent) : QObject(parent), m_menu(menu)
{
    rebuildMenu();
}

QList<QStringList> RecentFiles::entries() const
{
    QList<QStringList> entries;
    for (const QString& entry : QSettings().value(kSettingKey).toStringList())
        if (!entry.isEmpty())
            entries.append(entry.split(kSeparator));
    return entries;
}

void RecentFiles::add(const QStringList& sources)
{
    if (sources.isEmpty())
        return;
    QStringList absolute;
    for (const QString& source : sources) {
        const QFileInfo info(source);
        // Connection strings stay as they are; files and folders by their full path.
        absolute.append(info.exists() ? info.absoluteFilePath() : source);
    }
    const QString joined = absolute.join(kSeparator);
    QStringList stored = QSettings().value(kSettingKey).toStringList();
    stored.removeAll(joined);
    stored.prepend(joined);
    while (stored.size() > kMaxEntries)
        stored.removeLast();
    QSettings().setValue(kSettingKey, stored);
    rebuildMenu();
}

void RecentFiles::clear()
{
    QSettings().remove(kSettingKey);
    rebuildMenu();
}

void RecentFiles::rebuildMenu()
{
    m_menu->clear();
    const QList<QStringList> all = entries();
    int number = 1;
    for (const QStringList& sources : all) {
        QStringList names;
        for (const QString& source : sources) {
            const QFileInfo info(source);
            names.append(info.fileName().isEmpty() ? source : info.fileName());
        }
        const QString text = number < 10
                                 ? QStringLiteral("&%1 %2").arg(number).arg(names.join(", "))
                                 : names.join(QStringLiteral(", "));
        QAction* action = m_menu->addAction(text);
        action->setToolTip(sources.join(QLatin1Char('\n')));
        action->setData(sources);
        connect(action, &QAction::triggered, this,
                [this, sources] { emit openRequested(sources); });
        ++number;
    }
    if (all.isEmpty()) {
        m_menu->addAction(tr("(none)"))->setEnabled(false);
        return;
    }
    m_menu->addSeparator();
    m_menu->addAction(tr("Clear Recent Files"), this, &RecentFiles::clear);
}

} // namespace parkatlas::desktop
