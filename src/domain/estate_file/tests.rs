//! Tests for reading estate files: both formats, ranges of cells, and where each kind of mistake is reported.

use super::*;

const TOML: &str = r#"# Two facilities
[[facility]]
code = "LUZ"
name = "Luzira Upper"
region = "Central"
kind = "men"
security = "maximum"

  [[facility.unit]]
  code = "A"
  name = "Remand wing"
  sex = "male"
  age_group = "adult"
  legal_use = "remand"
  security = "maximum"

    [[facility.unit.cell]]
    code = "A-SEG"
    certified = 1
    operational = 1
    maximum = 1
    out_of_use = "Roof leaking"

    [[facility.unit.cells]]
    prefix = "A-"
    from = 1
    to = 40
    certified = 2
    operational = 4
    maximum = 6

[[facility]]
code = "WOM"
name = "Luzira Women's"
region = "Central"
kind = "women"
security = "medium"
"#;

fn errors_of(r: Result<EstateFile, Vec<FileError>>) -> Vec<FileError> {
    r.expect_err("the file should be refused")
}

#[test]
fn a_toml_file_reads_into_facilities_units_and_cells() {
    let f = parse_toml(TOML).unwrap();
    assert_eq!(f.counts(), (2, 1, 41));
    let unit = &f.facilities[0].units[0];
    assert_eq!(
        unit.cells[0].value.out_of_use.as_deref(),
        Some("Roof leaking")
    );
    let codes: Vec<&str> = unit.cells.iter().map(|c| c.value.code.as_str()).collect();
    assert_eq!(codes[1], "A-01");
    assert_eq!(codes[40], "A-40");
    assert_eq!(f.facilities[1].facility.value.kind, FacilityKind::Women);
    assert_eq!(
        f.facilities[0].facility.pos,
        Pos {
            line: 2,
            column: Some(1)
        }
    );
}

#[test]
fn a_bad_word_is_reported_at_its_value_with_the_choices() {
    let e = errors_of(parse_toml(
        &TOML.replace("kind = \"men\"", "kind = \"prison\""),
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        e[0].pos,
        Pos {
            line: 6,
            column: Some(8)
        }
    );
    assert_eq!(e[0].field.as_deref(), Some("kind"));
    assert!(
        e[0].message
            .contains("'prison' is not one of: men, women, juvenile, mixed"),
        "{}",
        e[0]
    );
}

#[test]
fn capacities_out_of_order_are_reported_at_the_field() {
    let e = errors_of(parse_toml(
        &TOML.replace("operational = 1\n", "operational = 0\n"),
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].pos.line, 20);
    assert_eq!(e[0].field.as_deref(), Some("operational"));
    assert!(
        e[0].message
            .starts_with("cell A-SEG in LUZ/A: operational capacity"),
        "{}",
        e[0]
    );

    let e = errors_of(parse_toml(&TOML.replace("certified = 2", "certified = -2")));
    assert_eq!(e[0].field.as_deref(), Some("certified"));
    assert!(
        e[0].message.contains("whole number of places, not -2"),
        "{}",
        e[0]
    );
}

#[test]
fn a_womens_unit_in_a_mens_facility_is_refused() {
    let e = errors_of(parse_toml(
        &TOML.replace("sex = \"male\"", "sex = \"female\""),
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].pos.line, 12);
    assert_eq!(e[0].field.as_deref(), Some("sex"));
    assert!(
        e[0].message
            .contains("men's facility cannot hold a female unit"),
        "{}",
        e[0]
    );
}

#[test]
fn unknown_keys_and_syntax_errors_give_line_and_column() {
    let e = errors_of(parse_toml(
        &TOML.replace("security = \"medium\"", "securty = \"medium\""),
    ));
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].pos,
        Pos {
            line: 37,
            column: Some(1)
        }
    );
    assert!(e[0].message.contains("unknown field `securty`"), "{}", e[0]);

    let e = errors_of(parse_toml("[[facility]]\ncode = \"LUZ\nname = 1\n"));
    assert_eq!(e[0].pos.line, 2);
    assert!(e[0].pos.column.is_some());
}

#[test]
fn codes_used_twice_are_refused() {
    let twice = format!(
        "{TOML}\n[[facility]]\ncode = \"LUZ\"\nname = \"x\"\nregion = \"y\"\nkind = \"men\"\nsecurity = \"minimum\"\n"
    );
    let e = errors_of(parse_toml(&twice));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].message.contains("code used twice (first at line 2)"),
        "{}",
        e[0]
    );

    let clash = TOML
        .replace("from = 1\n", "from = 0\n")
        .replace("code = \"A-SEG\"", "code = \"A-00\"");
    let e = errors_of(parse_toml(&clash));
    assert!(
        e[0].message
            .contains("cell A-00 in LUZ/A: code used twice in this unit"),
        "{}",
        e[0]
    );
}

#[test]
fn ranges_are_bounded_and_padded() {
    let big = TOML.replace("to = 40", "to = 40000");
    let e = errors_of(parse_toml(&big));
    assert!(e[0].message.contains("at most 2000 cells"), "{}", e[0]);
    let wide = TOML.replace("to = 40", "to = 40\n    width = 3");
    let f = parse_toml(&wide).unwrap();
    assert_eq!(f.facilities[0].units[0].cells[1].value.code, "A-001");
}

const CSV: &str = "\
facility_code,facility_name,region,kind,facility_security,unit_code,unit_name,sex,age_group,legal_use,unit_security,cell_code,certified,operational,maximum,out_of_use
LUZ,Luzira Upper,Central,men,maximum,A,Remand wing,male,adult,remand,maximum,A-01,2,4,6,
LUZ,,,,,A,,,,,,A-02,2,4,6,
LUZ,Luzira Upper,Central,men,maximum,A,Remand wing,male,adult,remand,maximum,A-03,2,4,6,Roof leaking
LUZ,,,,,B,Convicted wing,male,adult,convicted,close,B-01,1,1,2,
WOM,Luzira Women's,Central,women,medium,,,,,,,,,,,
LUZ,,,,,B,,,,,,B-02,4,2,6,
";

#[test]
fn a_csv_file_reads_one_row_per_cell_and_reports_lines() {
    let good = CSV.replace("B-02,4,2,6", "B-02,2,4,6");
    let f = parse_csv(&good).unwrap();
    assert_eq!(f.counts(), (2, 2, 5));
    assert_eq!(
        f.facilities[0].units[0].cells[2]
            .value
            .out_of_use
            .as_deref(),
        Some("Roof leaking")
    );
    assert_eq!(
        f.facilities[0].units[1].unit.value.legal_use,
        UnitUse::Convicted
    );

    let e = errors_of(parse_csv(CSV));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].pos, Pos::line(7));
    assert_eq!(
        e[0].to_string(),
        "7: cell B-02 in LUZ/B: operational capacity: 2 is below the certified capacity 4"
    );
}

#[test]
fn csv_rows_must_agree_and_fit_the_header() {
    let e = errors_of(parse_csv(
        &CSV.replace("LUZ,,,,,A,,,,,,A-02", "LUZ,Luzira,,,,A,,,,,,A-02"),
    ));
    assert!(
        e[0].message
            .contains("facility_name 'Luzira' differs from line 2 ('Luzira Upper')"),
        "{}",
        e[0]
    );
    assert_eq!(e[0].pos.line, 3);

    let e = errors_of(parse_csv(&CSV.replace("A-02,2,4,6,\n", "A-02,2,4,6\n")));
    assert_eq!(e[0].pos.line, 3);
    assert!(
        e[0].message
            .contains("this row has 15 fields but the header has 16"),
        "{}",
        e[0]
    );

    let e = errors_of(parse_csv("facility_code,name\nLUZ,x\n"));
    assert!(
        e.iter()
            .any(|e| e.message.contains("unknown column 'name'"))
    );
    assert!(
        e.iter()
            .any(|e| e.message.contains("missing column 'kind'"))
    );

    let e = errors_of(parse_csv(&CSV.replace(
        "WOM,Luzira Women's,Central,women",
        "WOM,Luzira Women's,Central,female",
    )));
    assert!(
        e.iter()
            .any(|e| e.pos.line == 6 && e.field.as_deref() == Some("kind")),
        "{e:?}"
    );
}

#[test]
fn offsets_become_lines_and_character_columns() {
    assert_eq!(
        Pos::of_offset("ab\ncd", 4),
        Pos {
            line: 2,
            column: Some(2)
        }
    );
    assert_eq!(
        Pos::of_offset("ж\nжx", 5),
        Pos {
            line: 2,
            column: Some(2)
        }
    );
    assert_eq!(
        Pos::of_offset("", 9),
        Pos {
            line: 1,
            column: Some(1)
        }
    );
}
