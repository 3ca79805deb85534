"""Issues as data: one stored form, and the reader's form derived from it."""

from __future__ import annotations

from grantflow.validation.codes import CODES
from grantflow.validation.report import FileReport, Issue

WRONG_NIP = Issue("nip-checksum", sheet="Applicant", cell="C6", field="nip", value="5632004013")
POLISH = {CODES["nip-checksum"].message: "NIP {value} ma błędną cyfrę kontrolną."}


class TestIssueForms:
    def test_the_readers_form_is_the_stored_one_with_the_message_instead_of_parameters(
        self,
    ) -> None:
        shown = WRONG_NIP.to_dict(lambda text: POLISH.get(text, text))
        stored = WRONG_NIP.to_storable()
        assert list(shown) == ["code", "severity", "sheet", "cell", "field", "value", "message"]
        assert {k: v for k, v in shown.items() if k != "message"} == {
            k: v for k, v in stored.items() if k != "params"
        }
        assert shown["message"] == "NIP 5632004013 ma błędną cyfrę kontrolną."

    def test_a_stored_report_reads_back_as_it_was(self) -> None:
        late = Issue("unknown-field", "warning", "Applicant", "A11", None, "uwagi")
        report = FileReport("chelm.xlsx", [WRONG_NIP, late])
        assert FileReport.from_storable(report.to_storable()) == report
