#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/translation.h"

#include "geo/error.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"
#include "geo/model/role.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QVBoxLayout>

#include <set>

namespace parkatlas::desktop {

FieldMappingDialog::FieldMappingDialog(const geo::Layer& layer, const render::RoleBinding& current,
                                       QWidget* parent)
    : QDialog(parent), m_layerName(layer.name), m_initialMap(current.fieldMap),
      m_role(new QComboBox(this)), m_classification(new QComboBox(this)),
      m_fields(new QFormLayout), m_note(new QLabel(this))
{
    setObjectName(QStringLiteral("fieldMappingDialog"));
    setWindowTitle(tr("Field Mapping — %1").arg(QString::fromStdString(layer.name)));
    m_attributes.setFields(layer.attributes.fields());
    // The distinct text values of every field: the land_use field may be any of them.
    for (std::size_t f = 0; f < layer.attributes.fields().size(); ++f) {
        if (layer.attributes.fields()[f].type != geo::FieldType::String)
            continue;
        std::set<std::string> values;
        for (std::size_t row = 0; row < layer.attributes.rowCount() && values.size() < 2000; ++row)
            if (!layer.attributes.isUnknown(row, static_cast<int>(f)))
                values.insert(layer.attributes.text(row, static_cast<int>(f)));
        m_codesOfField[static_cast<int>(f)] = {values.begin(), values.end()};
    }
    m_classification->setObjectName(QStringLiteral("classificationBox"));
    m_classification->addItem(tr("Detected"), QString());
    for (const std::string& system : geo::landUseSystemIds())
        m_classification->addItem(QString::fromStdString(system), QString::fromStdString(system));
    if (!current.classification.empty())
        m_classification->setCurrentIndex(
            m_classification->findData(QString::fromStdString(current.classification)));
    m_classification->setToolTip(
        tr("The classification the layer's land-use codes are in: GB/T 21010-2017 (cadastre, "
           "三调), TDDC-3 (三调 working classes), GB 50137-2011 (控规), GTKJ-2023 (2023 用地用海). "
           "The same code means different things in different systems (0601: 工业用地 or "
           "乡村道路用地)."));

    m_role->setObjectName(QStringLiteral("roleBox"));
    m_role->addItem(tr("(no role)"), QString());
    for (const geo::Role role : geo::allRoles())
        m_role->addItem(QStringLiteral("%1 %2").arg(QString::fromUtf8(geo::chineseName(role)),
                                                    QString::fromUtf8(geo::toString(role))),
                        QString::fromUtf8(geo::toString(role)));
    if (current.role)
        m_role->setCurrentIndex(m_role->findData(QString::fromUtf8(geo::toString(*current.role))));

    auto* form = new QFormLayout;
    form->addRow(tr("Role:"), m_role);
    form->addRow(tr("Land-use classification:"), m_classification);
    auto* fieldsGroup = new QGroupBox(tr("Contract field ← field of the layer"), this);
    fieldsGroup->setLayout(m_fields);
    m_note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(fieldsGroup, 1);
    layout->addWidget(m_note);
    layout->addWidget(buttons);

    connect(m_role, &QComboBox::currentIndexChanged, this, &FieldMappingDialog::showFieldsOfRole);
    showFieldsOfRole();
}

void FieldMappingDialog::showDetectedClassification()
{
    QString text = tr("Detected");
    const std::optional<geo::Role> role =
        geo::roleFromLayerName(m_role->currentData().toString().toStdString());
    QComboBox* box = fieldBox(QStringLiteral("land_use"));
    const int field = box ? m_attributes.fieldIndex(box->currentData().toString().toStdString())
                          : -1;
    if (role && field >= 0) {
        try {
            const geo::LandUseDetection detection =
                geo::LandUseClassification::standard().detect(
                    m_codesOfField[field], m_attributes.fields()[field].name, role);
            if (!detection.systems.empty()) {
                text = tr("Detected: %1").arg(QString::fromStdString(detection.label()));
                m_classification->setItemData(0,
                                              QString::fromStdString(
                                                  detection.reasonText(uiLanguage()) +
                                                  (detection.warning.empty()
                                                       ? std::string()
                                                       : " — " + detection.warningText(
                                                                     uiLanguage()))),
                                              Qt::ToolTipRole);
            }
        } catch (const geo::Error&) {
            // No classification tables: the entry stays "Detected".
        }
    }
    m_classification->setItemText(0, text);
}

void FieldMappingDialog::showFieldsOfRole()
{
    while (m_fields->rowCount() > 0)
        m_fields->removeRow(0);
    m_fieldBoxes.clear();
    const std::optional<geo::Role> role =
        geo::roleFromLayerName(m_role->currentData().toString().toStdString());
    if (!role) {
        showDetectedClassification();
        m_note->setText(tr("Without a role the layer is drawn in a default style and left out "
                           "of the checks, the audit and the ledgers."));
        return;
    }
    m_note->setText(tr("Fields are matched by name and by the common survey names (aliases); "
                       "change a choice where the layer names a field otherwise."));
    const std::vector<geo::ContractField>& contract = geo::contractFields(*role);
    const std::vector<int> resolved = geo::resolveContractFields(*role, m_attributes, m_initialMap);
    for (std::size_t i = 0; i < contract.size(); ++i) {
        auto* box = new QComboBox(this);
        const QString name = QString::fromUtf8(contract[i].name);
        box->setObjectName(QStringLiteral("field_%1").arg(name));
        box->addItem(tr("(none)"), QString());
        for (const geo::FieldDef& field : m_attributes.fields())
            box->addItem(QString::fromStdString(field.name), QString::fromStdString(field.name));
        if (i < resolved.size() && resolved[i] >= 0)
            box->setCurrentIndex(resolved[i] + 1);
        QStringList aliases;
        for (const char* alias : contract[i].aliases)
            aliases.append(QString::fromUtf8(alias));
        auto* label = new QLabel(name, this);
        label->setToolTip(aliases.join(QStringLiteral(", ")));
        m_fields->addRow(label, box);
        m_fieldBoxes[name] = box;
        if (name == QLatin1String("land_use"))
            connect(box, &QComboBox::currentIndexChanged, this,
                    &FieldMappingDialog::showDetectedClassification);
    }
    showDetectedClassification();
}

QComboBox* FieldMappingDialog::fieldBox(const QString& contractField) const
{
    const auto it = m_fieldBoxes.find(contractField);
    return it == m_fieldBoxes.end() ? nullptr : it->second;
}

render::RoleBinding FieldMappingDialog::binding() const
{
    render::RoleBinding binding;
    binding.role = geo::roleFromLayerName(m_role->currentData().toString().toStdString());
    binding.classification = m_classification->currentData().toString().toStdString();
    for (const auto& [contract, box] : m_fieldBoxes) {
        const QString field = box->currentData().toString();
        if (!field.isEmpty())
            binding.fieldMap[contract.toStdString()] = field.toStdString();
    }
    return binding;
}

} // namespace parkatlas::desktop
