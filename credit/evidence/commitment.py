"""The credit commitment (信用承诺) a home gives when it applies for credit repair from the portal.

NDRC Order No. 36 《信用修复管理办法》: the applicant submits a credit commitment with its application (DESIGN.md,
"Credit repair"). The home reads this text and agrees to it; the text agreed is what is stored."""

from credit.reasons import Reason

COMMITMENT_ZH = (
    "本机构郑重承诺：所提交的申请材料真实、准确、完整；已纠正失信行为、履行相关义务；"
    "今后严格遵守法律法规，诚信经营，自觉接受政府部门和社会的监督；"
    "如违背承诺，自愿接受约束和惩戒，并依法承担相应责任。本承诺向社会公开。"
)
COMMITMENT_EN = (
    "Our home solemnly commits: the application and its materials are true, accurate and complete; the dishonest "
    "conduct is corrected and the obligations are met; we will abide by the law, operate honestly and accept the "
    "supervision of the authorities and the public; if we break this commitment we accept the restrictions and "
    "sanctions and the legal responsibility. This commitment is made public."
)
AGREE_FIELD = "agree"
NOT_AGREED = Reason("commitment_not_ticked")
