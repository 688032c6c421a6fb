#include "app/desktop/save_dialog.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QStringList>

namespace parkatlas::desktop {

QString askSavePath(QWidget* parent, const QString& title, const QString& baseName,
                    const QList<SaveFormat>& formats)
{
    if (formats.isEmpty())
        return {};
    QStringList labels;
    for (const SaveFormat& format : formats)
        labels << format.label;
    QString selected;
    QString path = QFileDialog::getSaveFileName(
        parent, title, baseName + QLatin1Char('.') + formats.first().suffix,
        labels.join(QStringLiteral(";;")), &selected);
    if (path.isEmpty() || !QFileInfo(path).suffix().isEmpty())
        return path;
    QString suffix = formats.first().suffix;
    for (const SaveFormat& format : formats)
        if (format.label == selected)
            suffix = format.suffix;
    return path + QLatin1Char('.') + suffix;
}

} // namespace parkatlas::desktop
