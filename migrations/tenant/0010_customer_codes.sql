-- Numbers of customer codes (CUS-000042) and prospect references (PRO-000001).
-- The sequences live in the tenant schema, so every tenant counts from 1. A
-- number is drawn when a record becomes a customer or is created as a prospect
-- and is never reused; a rolled-back create leaves a gap.

CREATE SEQUENCE {tenant}.customer_code_seq AS bigint MINVALUE 1 START 1 NO CYCLE;
CREATE SEQUENCE {tenant}.prospect_reference_seq AS bigint MINVALUE 1 START 1 NO CYCLE;

GRANT USAGE ON SEQUENCE {tenant}.customer_code_seq, {tenant}.prospect_reference_seq TO {app_role};
