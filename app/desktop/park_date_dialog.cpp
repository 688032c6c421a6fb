#include "app/desktop/park_date_dialog.h"

#include "geo/store/history.h"

#include <QCalendarWidget>
#include <QCoreApplication>
#include <QDateEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace parkatlas::desktop {

QDate parkDateOf(const QStringList& sources)
{
    for (const QString& source : sources) {
        const std::string dated = geo::splitParkDate(source.toStdString()).second;
        if (!dated.empty())
            return QDate::fromString(QString::fromStdString(dated), Qt::ISODate);
    }
    return {};
}

QStringList withParkDate(const QStringList& sources, const QDate& date)
{
    QStringList out;
    for (const QString& source : sources) {
        QString plain = QString::fromStdString(geo::splitParkDate(source.toStdString()).first);
        if (date.isValid())
            plain += QLatin1Char('@') + date.toString(Qt::ISODate);
        out.append(plain);
    }
    return out;
}

std::optional<QDate> askParkDate(QWidget* parent, const QDate& current)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("parkDateDialog"));
    dialog.setWindowTitle(QCoreApplication::translate("parkatlas::desktop::ParkDate", "As Of"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* note = new QLabel(
        QCoreApplication::translate(
            "parkatlas::desktop::ParkDate",
            "Show the park as it was at the end of a day, from the history it keeps (a park "
            "without history is shown as it is)."),
        &dialog);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto* edit = new QDateEdit(current.isValid() ? current : QDate::currentDate(), &dialog);
    edit->setObjectName(QStringLiteral("parkDateEdit"));
    edit->setCalendarPopup(true);
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    edit->setMaximumDate(QDate::currentDate());
    layout->addWidget(edit);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QPushButton* now = buttons->addButton(
        QCoreApplication::translate("parkatlas::desktop::ParkDate", "As It Is Now"),
        QDialogButtonBox::ResetRole);
    bool chooseNow = false;
    QObject::connect(now, &QPushButton::clicked, &dialog, [&] {
        chooseNow = true;
        dialog.accept();
    });
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    if (chooseNow || edit->date() >= QDate::currentDate())
        return QDate();
    return edit->date();
}

} // namespace parkatlas::desktop
