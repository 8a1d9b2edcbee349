"""Chinese results as the literature writes them (invented sentences, one per phrasing class)."""

from __future__ import annotations

import pytest

from trialex.ner import RulesError, parse_terms
from trialex.pipeline import process
from trialex.records import Document, Record


def _records(body: str) -> list[Record]:
    text = f"结果：{body}\n"
    records = list(process(Document(doc_id="t", source="t.md", sha256="0", text=text)).records)
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
    return records


def _has(records: list[Record], endpoint: str, statistic: str, value: float) -> bool:
    return any(
        r.endpoint == endpoint and r.statistic == statistic and r.value == value for r in records
    )


def test_zh_count_of_patients_studied_is_a_sample_size() -> None:
    records = _records("回顾性分析86例异基因造血干细胞移植患者的临床资料。")
    assert _has(records, "sample_size", "count", 86)
    records = _records("纳入接受移植且资料完整的患者64例。")
    assert _has(records, "sample_size", "count", 64)


def test_zh_count_of_a_characteristic_is_no_sample_size() -> None:
    records = _records("其中男性26例，女性20例。")
    assert not [r for r in records if r.endpoint == "sample_size"]


def test_zh_event_count_in_a_parallel_clause_takes_the_event() -> None:
    records = _records("低剂量组发生3例侵袭性真菌感染，高剂量组发生7例，两组间发生率无统计学差异。")
    assert _has(records, "other", "count", 3) and _has(records, "other", "count", 7)
    assert not [r for r in records if r.endpoint == "sample_size"]


def test_zh_listed_terms_take_their_groups_of_rates_in_order() -> None:
    records = _records(
        "两组间EB病毒血症、侵袭性真菌感染及急性GVHD发生率无统计学差异"
        "(40.0% vs 20.0%，P=0.09；15.0% vs 5.0%，P=0.28；50.0% vs 45.0%，P=0.65)。"
    )
    got = {(r.endpoint, r.value, r.p_value) for r in records if r.statistic == "proportion"}
    assert {("other", 40.0, 0.09), ("other", 20.0, 0.09)} <= got
    assert {("other", 15.0, 0.28), ("other", 5.0, 0.28)} <= got
    assert {("aGVHD", 50.0, 0.65), ("aGVHD", 45.0, 0.65)} <= got


def test_zh_latin_term_glued_into_a_longer_word_is_no_term() -> None:
    records = _records("高CRP组败血症发生率较低CRP组高(53.5% vs 17.1%，P=0.001)。")
    assert not [r for r in records if r.endpoint == "CR"]
    assert _has(records, "other", "proportion", 53.5)


def test_zh_new_group_subject_after_a_comma_starts_a_clause() -> None:
    records = _records(
        "高剂量组中位随访300（20~700）d，高剂量组2年总生存率较低剂量组显著降低"
        "(42.5% vs 78.4%，P=0.022)。"
    )
    assert _has(records, "follow_up", "median", 300)
    assert _has(records, "OS", "rate", 42.5) and _has(records, "OS", "rate", 78.4)


def test_zh_dates_are_no_values() -> None:
    records = _records("截止至2014年4月1日，低剂量组中位随访299(78~747)d。")
    assert _has(records, "follow_up", "median", 299)
    assert not [r for r in records if r.value in (2014, 4, 1)]


def test_zh_time_points_map_in_order_onto_the_rates() -> None:
    records = _records("全组患者1年、3年、5年的总生存率分别为81.8%、72.7%和63.6%。")
    got = {(r.value, r.timepoint.value if r.timepoint else None) for r in records}
    assert {(81.8, 1.0), (72.7, 3.0), (63.6, 5.0)} <= got


def test_zh_odds_ratio_with_its_interval() -> None:
    records = _records(
        "多因素分析显示高CRP水平是败血症的独立危险因素(OR=5.09，95%CI 1.12~23.23，P=0.036)。"
    )
    ratios = [r for r in records if r.statistic == "odds_ratio"]
    assert ratios and ratios[0].value == 5.09 and ratios[0].p_value == pytest.approx(0.036)


def test_terms_file_endpoint_entries_need_a_known_code() -> None:
    line = '{"id": "x", "label": "ENDPOINT", "code": "nope", "phrases": ["a"], "examples": {}}'
    with pytest.raises(RulesError, match="known 'code'"):
        parse_terms([line], "zh/terms.jsonl", "zh")
    ok = '{"id": "x", "label": "ENDPOINT", "code": "OS", "phrases": ["总生存"], "examples": {}}'
    assert parse_terms([ok], "zh/terms.jsonl", "zh")[0].span_id == "OS"


def test_zh_term_followed_by_its_count_is_a_term() -> None:
    # Chinese prints the count right after the event: no space, no word edge
    records = _records("随访期间复发3例，死亡2例，慢性GVHD9例(22.5%)。")
    assert _has(records, "relapse", "count", 3)
    assert _has(records, "mortality", "count", 2)
    assert _has(records, "cGVHD", "proportion", 22.5)


def test_zh_rate_term_followed_by_its_value_is_a_term() -> None:
    records = _records("治疗后总有效率85.0%，完全缓解12例。")
    assert _has(records, "ORR", "proportion", 85.0)
    assert _has(records, "CR", "count", 12)


def test_zh_gvhd_with_a_glued_roman_grade_is_gvhd_with_its_grade() -> None:
    records = _records("40例患者中，8例移植早期合并急性GVHDI~Ⅱ度，经治疗后好转。")
    agvhd = [r for r in records if r.endpoint == "aGVHD" and r.value == 8]
    assert agvhd and agvhd[0].label and "ⅱ度" in agvhd[0].label


def test_zh_term_inside_an_organism_or_disease_name_is_no_outcome() -> None:
    records = _records("55例败血症患儿中，以大肠埃希菌(27.3%)、肺炎克雷伯杆菌(21.8%)为主。")
    assert not [r for r in records if r.label == "肺炎"]
    records = _records("416例重型β-地中海贫血患儿行异基因造血干细胞移植。")
    assert not [r for r in records if r.endpoint == "adverse_events"]


def test_zh_second_rate_printed_without_percent_is_read() -> None:
    records = _records("两组aGVHD发生率无统计学差异(51.2% vs 45.7，P=0.656)。")
    assert _has(records, "aGVHD", "proportion", 51.2)
    assert _has(records, "aGVHD", "proportion", 45.7)


def test_zh_time_point_before_a_survival_abbreviation_is_no_median() -> None:
    records = _records("两组4年OS无明显差异(81.6% 比 65.3%，P=0.02)。")
    assert not [r for r in records if r.statistic == "median" and r.value == 4]
    rates = [r for r in records if r.endpoint == "OS" and r.value == 81.6]
    assert rates and rates[0].timepoint is not None and rates[0].timepoint.value == 4


def _group_of(records: list[Record], value: float) -> str | None:
    return next((r.group for r in records if r.value == value), None)


def test_zh_group_named_before_its_value_is_its_group() -> None:
    records = _records("治疗组中位随访318(7~773)d，对照组中位随访299(78~747)d。")
    assert _group_of(records, 318) == "治疗组"
    assert _group_of(records, 299) == "对照组"


def test_zh_compared_groups_give_a_pair_of_rates_in_order() -> None:
    records = _records("高剂量组2年OS率较低剂量组显著降低(42.5% vs 78.4%，P=0.022)。")
    assert _group_of(records, 42.5) == "高剂量组"
    assert _group_of(records, 78.4) == "低剂量组"


def test_zh_groups_with_respectively_take_their_values_in_order() -> None:
    records = _records("观察组与对照组的总有效率分别为85.0%和60.0%(P=0.01)。")
    assert _group_of(records, 85.0) == "观察组"
    assert _group_of(records, 60.0) == "对照组"


def test_zh_group_named_after_a_cohort_count_is_not_its_group() -> None:
    records = _records("回顾性分析78例患者资料，以临界值将患者分为低剂量组和高剂量组。")
    sizes = [r for r in records if r.endpoint == "sample_size" and r.value == 78]
    assert sizes and sizes[0].group not in ("低剂量组", "高剂量组")  # both groups, or the cohort


def test_zh_discussion_value_of_a_cited_study_is_cited() -> None:
    text = (
        "# 2 结果\n本研究共纳入40例患者，CR率为60.0%。\n\n"
        "# 3 讨论\nWilson等[14]报道此方案治疗50例初治患者的结果：CR率达92%。\n"
    )
    result = process(Document(doc_id="t", source="t.md", sha256="0", text=text))
    cr = [r for r in result.records if r.endpoint == "CR" and r.value == 92]
    assert cr and cr[0].origin == "cited"
    assert not [r for r in result.records if r.endpoint == "CR" and r.value == 50]


def test_zh_relapsed_refractory_population_is_no_relapse() -> None:
    records = _records("采用该方案治疗复发难治NHL患者20例，复发/难治性急性淋巴细胞白血病患者12例。")
    assert not [r for r in records if r.endpoint == "relapse"]
    records = _records("随访期间复发3例，2年累计复发率为19.8%。")
    assert _has(records, "relapse", "count", 3) and _has(records, "relapse", "rate", 19.8)


def test_zh_share_after_a_count_and_its_event_takes_the_count() -> None:
    records = _records("6例接受化疗，4例完全缓解（占66.7%），2例死亡。")
    cr = [r for r in records if r.endpoint == "CR" and r.statistic == "proportion"]
    assert cr and (cr[0].n, cr[0].N) == (4, 6)
    records = _records("全组40例患者中，8例（占20.0%）发生急性GVHD。")
    assert any(r.value == 20.0 and r.n == 8 for r in records)


def test_zh_pair_of_durations_sharing_one_unit_gives_both_medians() -> None:
    records = _records("阴性和阳性者的中位PFS分别为63.56和19.23个月(P<0.001)。")
    assert _has(records, "PFS", "median", 63.56) and _has(records, "PFS", "median", 19.23)


def test_zh_follow_up_range_or_threshold_is_no_median() -> None:
    records = _records("所有患者随访18~114个月，随访时间>18个月。")
    assert not [r for r in records if r.endpoint == "follow_up" and r.value in (18, 114)]


def test_zh_respectively_maps_terms_before_it_onto_values_after_it() -> None:
    records = _records(
        "移植组的5年无病生存率和总生存率分别为48.7%及59.4%，"
        "非移植组的5年无病生存率和总生存率分别为48.8%及53.1%。"
    )
    assert _has(records, "DFS", "rate", 48.7) and _has(records, "OS", "rate", 59.4)
    assert _has(records, "DFS", "rate", 48.8) and _has(records, "OS", "rate", 53.1)
    assert _group_of(records, 53.1) == "非移植组"


def test_zh_one_term_before_respectively_holds_for_each_group() -> None:
    records = _records("ASCT组和非ASCT组的CR分别为59%和48%，MRD阴性比例分别为79%和65%。")
    assert _has(records, "CR", "proportion", 59) and _has(records, "CR", "proportion", 48)
    assert _has(records, "MRD_response", "proportion", 79)
    assert _group_of(records, 59) == "ASCT组" and _group_of(records, 48) == "非ASCT组"


def test_zh_count_that_did_not_reach_a_response_is_no_response() -> None:
    records = _records("共39例患者，首疗程达CR23例，未达CR16例。")
    assert _has(records, "CR", "count", 23)
    assert not _has(records, "CR", "count", 16)


def test_zh_ci_level_in_words_is_no_value() -> None:
    records = _records("6个月的无事件生存率为67%(95%置信区间)。")
    assert not [r for r in records if r.value == 95]


def test_zh_cohort_count_in_methods_is_a_sample_size() -> None:
    text = (
        "# 1 资料与方法\n# 1.1 研究对象\n纳入2012年1月~2013年12月行移植且资料完整的患者64例，"
        "其中男性26例，女性38例。\n\n# 2 结果\n全部患者的完全缓解率为60.0%。\n"
    )
    result = process(Document(doc_id="t", source="t.md", sha256="0", text=text))
    sizes = [r for r in result.records if r.endpoint == "sample_size"]
    assert [r.value for r in sizes] == [64]


def test_zh_term_of_one_count_is_not_the_next_counts() -> None:
    records = _records("19例初诊者中，5例CR、4例PR，另10例未复查，1例死亡，1例失访。")
    assert _has(records, "CR", "count", 5) and _has(records, "PR", "count", 4)
    assert not _has(records, "PR", "count", 10)
    assert [r.value for r in records if r.endpoint == "mortality"] == [1]


def test_zh_pair_after_one_of_two_groups_gives_the_other_group() -> None:
    records = _records(
        "高剂量组CMV血症发生率较低剂量组显著增高(72.1% vs 37.1%，P=0.003)；"
        "高剂量组EBV血症发生率也较高(41.9% vs 22.9%，P=0.094)。"
    )
    assert _group_of(records, 41.9) == "高剂量组"
    assert _group_of(records, 22.9) == "低剂量组"


def test_zh_incidence_of_an_outcome_without_a_term_is_other_with_its_label() -> None:
    records = _records("治疗组静脉血栓发生率为12.5%，对照组为3.1%。")
    assert any(r.endpoint == "other" and r.value == 12.5 and r.label == "静脉血栓" for r in records)
    assert not _records("本病发病率为40/百万婴儿。")


def test_zh_crr_rate_range_and_share_with_its_fraction() -> None:
    records = _records("巩固组CRR和维持后CRR分别为15.7%和35.7%，局部治疗的CR达95%到100%。")
    assert _has(records, "CR", "proportion", 35.7) and _has(records, "CR", "proportion", 100)
    records = _records("初诊者缓解率(89.5%，17/19)高于复发者(33.3%，5/15；P<0.005)。")
    assert any(r.value == 89.5 and (r.n, r.N) == (17, 19) for r in records)
    assert not [r for r in records if r.endpoint == "relapse"]


def test_zh_presenting_features_at_diagnosis_are_no_adverse_events() -> None:
    records = _records("发病时有发热8例，出血15例，肝脾肿大16例。")
    assert not [r for r in records if r.endpoint != "sample_size"]
    records = _records("治疗后发热8例，出血3例。")
    assert _has(records, "adverse_events", "count", 8)


# --- precision classes of Chinese clinical papers (silver annotation, zh3) -------------------


def test_zh_count_among_a_subset_is_the_denominator_of_the_next_count() -> None:
    records = _records(
        "化疗组中，评估阳性的40例中，18例出现复发和(或)进展；评估阴性的30例中，5例出现复发。"
    )
    relapses = [r for r in records if r.endpoint == "relapse"]
    assert sorted((r.value, r.N) for r in relapses) == [(5, 30), (18, 40)]


def test_zh_relapsed_population_is_no_relapse_event() -> None:
    records = _records(
        "初治及复发共31人次累及骨髓(64.5%, 20/31)。复发者病灶SUV为8.2±3.1，初治者缓解率高于复发者。"
    )
    assert not [r for r in records if r.endpoint == "relapse"]
    records = _records("初治者缓解率高于复发者，随访期间7例复发(17.5%)。")
    assert _has(records, "relapse", "proportion", 17.5)


def test_zh_term_before_among_names_the_subset() -> None:
    records = _records("治疗后进展或复发的12人次中9例累及淋巴结。")
    assert not [r for r in records if r.endpoint == "relapse"]


def test_zh_died_of_a_cause_is_mortality() -> None:
    records = _records("3例死于感染，2例死于疾病进展。")
    assert [(r.endpoint, r.value) for r in records] == [("mortality", 3), ("mortality", 2)]


def test_zh_cr_plus_pr_is_the_overall_response() -> None:
    records = _records("总有效率(CR+PR)为76.0%(19/25)。")
    assert _has(records, "ORR", "proportion", 76.0)
    assert not [r for r in records if r.endpoint in ("CR", "PR")]


def test_zh_symptoms_at_presentation_are_no_adverse_events() -> None:
    records = _records("入院时有发热11例，皮肤出血7例。")
    assert not [r for r in records if r.endpoint in ("adverse_events", "other")]


@pytest.mark.parametrize(
    "body",
    [
        "出院后每3个月随访1次，2年后每6个月随访1次。",
        "分别于治疗后1、3、6个月随访。",
        "于治疗后第3个月、第6个月进行随访复查。",
        "治疗后随访6个月、12个月。",
    ],
)
def test_zh_follow_up_schedule_is_no_follow_up_duration(body: str) -> None:
    assert not [r for r in _records(body) if r.endpoint == "follow_up"]


def test_zh_follow_up_duration_is_kept() -> None:
    assert _has(_records("全部患者随访12~60个月，中位随访32个月。"), "follow_up", "median", 32)


def test_zh_presenting_symptom_list_is_no_adverse_event() -> None:
    records = _records("以发热为首发症状者12例(40.0%)，贫血8例(26.7%)。")
    assert not [r for r in records if r.endpoint in ("adverse_events", "other")]
    records = _records("化疗后发热12例(40.0%)，贫血8例(26.7%)。")
    assert _has(records, "adverse_events", "proportion", 40.0)


_BASELINE_TABLE = (
    "\n{caption}\n\n<html><body><table><tr><td>项目</td><td>观察组(n=40)</td><td>对照组(n=40)</td>"
    "<td>P值</td></tr><tr><td>贫血[n(%)]</td><td>8(20.0)</td><td>9(22.5)</td><td>0.79</td></tr>"
    "</table></body></html>\n"
)


@pytest.mark.parametrize("caption", ["表1两组患者基线资料比较", "Table 1 Baseline characteristics"])
def test_zh_baseline_table_rows_are_no_adverse_events(caption: str) -> None:
    records = _records(_BASELINE_TABLE.format(caption=caption))
    assert not [r for r in records if r.endpoint == "adverse_events"]


def test_zh_table_of_events_still_reads_its_rows() -> None:
    records = _records(_BASELINE_TABLE.format(caption="表2两组不良反应比较"))
    assert _has(records, "adverse_events", "proportion", 20.0)


_PAPER = """# 某药治疗急性白血病的临床研究

摘要：目的 探讨某药的疗效。

# 1资料与方法

# 1.1一般资料

纳入患者100例，随访45个月。

# 2结果

# 2.1{heading}

两组患者的初诊年龄、性别、病程以及随访时间之间的差异没有统计学意义(P>0.05)，研究组高血压8例(16.0%)。
"""


def _paper_records(heading: str) -> list[Record]:
    text = _PAPER.format(heading=heading)
    return list(process(Document(doc_id="t", source="t.md", sha256="0", text=text)).records)


def test_zh_baseline_results_subsection_gives_no_endpoints() -> None:
    records = _paper_records("基线资料")
    assert {(r.section, r.endpoint) for r in records} == {
        ("methods", "sample_size"),
        ("methods", "follow_up"),  # "1.1一般资料" in methods is where the cohort is told
    }


def test_zh_results_subsection_of_outcomes_keeps_its_numbers() -> None:
    records = _paper_records("不良反应")
    assert any(r.section == "results" and r.endpoint == "adverse_events" for r in records)


def test_zh_part_of_the_cohort_after_qizhong_is_no_sample_size() -> None:
    records = _records("40例患者均接受抗感染治疗，其中6例患者经两种抗生素联合治疗。")
    assert not _has(records, "sample_size", "count", 6)
    # an arm defined there stays a cohort
    records = _records("选择80例患者，其中40例复发患者作为研究组。")
    assert _has(records, "sample_size", "count", 40)


def test_zh_patients_with_a_finding_or_a_test_are_no_sample_size() -> None:
    records = _records("30例患儿均成功植入，12例患儿行骨髓染色体检查。")
    assert not [r for r in records if r.endpoint == "sample_size"]
    assert not [r for r in records if r.endpoint == "transplant"]


def test_zh_long_de_phrase_before_the_patients_noun_is_a_cohort() -> None:
    records = _records(
        "120例重型再生障碍性贫血行异基因造血干细胞移植治疗的患者，48例早期发生感染。"
    )
    assert _has(records, "sample_size", "count", 120)
    assert not [r for r in records if r.endpoint == "transplant"]


def test_zh_transplant_as_the_time_of_an_event_is_no_transplant_record() -> None:
    records = _records("异基因造血干细胞移植后复发9例(15.0%)。")
    assert not [r for r in records if r.endpoint == "transplant"]
    assert _has(records, "relapse", "proportion", 15.0)


def test_zh_event_before_a_death_verb_is_the_cause_of_death() -> None:
    records = _records("接受化疗的8例患者中，3例因骨髓抑制合并严重感染死亡。")
    assert _has(records, "mortality", "count", 3)
    assert not [r for r in records if r.endpoint == "adverse_events"]


def test_zh_count_before_a_named_subset_among_is_its_size() -> None:
    records = _records("38例突变阳性患者中首疗程完全缓解(CR)25例，CR率为65.8%。")
    assert _has(records, "sample_size", "count", 38)
    assert not _has(records, "CR", "count", 38)
    assert any(r.endpoint == "CR" and r.value == 25 and r.N == 38 for r in records)


def test_zh_presenting_signs_of_the_cohort_are_no_events() -> None:
    records = _records(
        "100例中，62例（62.0%）有发热，有15例伴有贫血，3例患儿有中枢神经系统浸润表现。"
    )
    assert not [r for r in records if r.endpoint in ("adverse_events", "other")]
    assert not _has(records, "sample_size", "count", 3)
    records = _records("化疗后12例有发热。")
    assert _has(records, "adverse_events", "count", 12)


def test_zh_imaging_findings_subsection_reports_no_events() -> None:
    text = (
        "# 颅内肿块样病变的MRI诊断\n\n# 1资料与方法\n\n回顾性分析45例患者的影像资料。\n\n"
        "# 2结果\n\n# 2.2影像资料分析\n\n出血观察，共有20例出现(20/45)，水肿16例(16/45)。\n\n"
        "# 2.3不良反应\n\n化疗后出血3例(6.7%)。\n"
    )
    records = list(process(Document(doc_id="t", source="t.md", sha256="0", text=text)).records)
    assert not [r for r in records if r.value in (20.0, 16.0)]
    assert _has(records, "adverse_events", "proportion", 6.7)


def test_zh_range_in_days_after_a_median_is_no_second_median() -> None:
    records = _records("中性粒细胞植入中位时间为12 d（9～20 d），血小板植入中位时间为16 d。")
    assert {r.value for r in records if r.endpoint == "time_to_event"} == {12.0, 16.0}
