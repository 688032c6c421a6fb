#pragma once

#include <QList>
#include <QString>

class QWidget;

namespace parkatlas::desktop {

/// One choice in a save dialog: its label as shown ("CSV, UTF-8 (*.csv)") and the suffix a
/// file name gets when the user typed none ("csv").
struct SaveFormat {
    QString label;
    QString suffix;
};

/// Asks where to save, offering `formats` (the first is the default, and names the proposed
/// file `baseName`.<suffix>). A name typed without a suffix gets the chosen format's. Empty when
/// the user cancels.
QString askSavePath(QWidget* parent, const QString& title, const QString& baseName,
                    const QList<SaveFormat>& formats);

} // namespace parkatlas::desktop
