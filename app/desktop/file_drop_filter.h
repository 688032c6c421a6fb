#pragma once

#include <QObject>
#include <QStringList>

namespace parkatlas::desktop {

/// Lets files and folders dragged from a file manager be dropped on a widget (the main window):
/// installed as an event filter on it, it accepts drags that carry local files and emits
/// filesDropped with their paths on the drop.
class FileDropFilter : public QObject {
    Q_OBJECT
public:
    /// Installs itself on `target` and makes it accept drops.
    explicit FileDropFilter(QWidget* target);

signals:
    void filesDropped(const QStringList& paths);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace parkatlas::desktop
