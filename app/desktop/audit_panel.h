#pragma once

#include "app/desktop/findings_panel.h"

#include <QDate>

#include <optional>

class QDateEdit;

namespace parkatlas::desktop {

/// The idle-land audit (闲置土地审计) as a panel: the FindingsPanel with an as-of date (today by
/// default). Run reads the park's parcels and buildings and runs geo::runAudit on a worker; the
/// findings are listed by rule and drawn like the plan check's, in orange.
class AuditPanel : public FindingsPanel {
    Q_OBJECT
public:
    explicit AuditPanel(QWidget* parent = nullptr);

    QDateEdit* asOfEdit() const { return m_asOf; }
    /// The as-of date the user set in the panel; nullopt while it is still the default (today),
    /// so that an export can ask instead of auditing as of today unsaid.
    std::optional<QDate> chosenAsOf() const;

protected:
    QFuture<FindingsRun> startRun(std::shared_ptr<geo::ParkSession> session,
                                  const geo::Crs& mapCrs) override;

private:
    QDateEdit* m_asOf;
    bool m_asOfChosen = false;
};

} // namespace parkatlas::desktop
