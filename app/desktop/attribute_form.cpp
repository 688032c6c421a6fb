#include "app/desktop/attribute_form.h"

#include "app/desktop/translation.h"

#include "geo/model/field_domains.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QVBoxLayout>

namespace parkatlas::desktop {

AttributeForm::AttributeForm(const geo::AttributeTable& table, std::optional<geo::Role> role,
                             const geo::FieldValues& values, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("attributeForm"));
    setWindowTitle(tr("Feature Attributes"));
    auto* form = new QFormLayout;
    // The contract field each source field stands for, when the layer has a role.
    const std::vector<std::string> contractOf = contractFieldsOf(table, role);
    std::vector<std::size_t> order;
    for (std::size_t f = 0; f < table.fields().size(); ++f)
        if (!contractOf[f].empty())
            order.push_back(f);
    for (std::size_t f = 0; f < table.fields().size(); ++f)
        if (contractOf[f].empty())
            order.push_back(f);
    for (std::size_t f : order) {
        const geo::FieldDef& def = table.fields()[f];
        if (def.name == "fid" || def.name == "FID" || def.name == "row_version")
            continue; // kept by the store itself
        Row row;
        row.field = def.name;
        const auto value = values.find(def.name);
        const QString text = value != values.end() && value->second
                                 ? QString::fromStdString(*value->second)
                                 : QString();
        QStringList choices;
        if (role && !contractOf[f].empty()) {
            for (const std::string& choice : geo::allowedValues(*role, contractOf[f]))
                choices.append(QString::fromStdString(choice));
            if (contractOf[f] == "land_use")
                // The plan classifications' codes, as a planner draws them (the cadastre's GB/T
                // 21010 codes would repeat 0101 … with other meanings).
                for (const geo::LandUseClass& use : geo::LandUseClassification::standard().classes())
                    if (use.system == geo::kGb50137 || use.system == geo::kGtkj2023)
                        choices.append(QString::fromStdString(use.code));
        }
        QWidget* editor = nullptr;
        if (!choices.isEmpty()) {
            row.combo = new QComboBox;
            row.combo->setEditable(true);
            row.combo->addItem(QString());
            row.combo->addItems(choices);
            row.combo->setCurrentText(text);
            row.combo->setObjectName(QString::fromStdString(def.name));
            editor = row.combo;
        } else {
            row.line = new QLineEdit(text);
            row.line->setObjectName(QString::fromStdString(def.name));
            if (def.type == geo::FieldType::Date)
                row.line->setPlaceholderText(QStringLiteral("YYYY-MM-DD"));
            editor = row.line;
        }
        // A contract field by its name in the user's language (宗地代码), the source field in
        // brackets where it is spelled otherwise (ZDDM); the ids stay in the tooltip.
        QString label = QString::fromStdString(def.name);
        if (!contractOf[f].empty()) {
            label = uiFieldName(def.name, contractOf[f], role);
            editor->setToolTip(QString::fromStdString(
                contractOf[f] == def.name ? def.name : def.name + " → " + contractOf[f]));
        }
        form->addRow(label, editor);
        m_rows.push_back(row);
    }
    auto* fields = new QWidget;
    fields->setLayout(form);
    auto* scroll = new QScrollArea;
    scroll->setWidget(fields);
    scroll->setWidgetResizable(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(buttons);
    resize(420, 480);
}

geo::FieldValues AttributeForm::values() const
{
    geo::FieldValues out;
    for (const Row& row : m_rows) {
        const QString text = (row.combo ? row.combo->currentText() : row.line->text()).trimmed();
        out[row.field] =
            text.isEmpty() ? std::nullopt : std::optional<std::string>(text.toStdString());
    }
    return out;
}

bool AttributeForm::setValue(const QString& field, const QString& value)
{
    for (Row& row : m_rows) {
        if (QString::fromStdString(row.field) != field)
            continue;
        if (row.combo)
            row.combo->setCurrentText(value);
        else
            row.line->setText(value);
        return true;
    }
    return false;
}

} // namespace parkatlas::desktop
