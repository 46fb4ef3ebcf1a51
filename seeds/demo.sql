-- Demo users of every role (only with `seed --demo`). The password of every demo account is
-- `medic-nest-demo` (README). Never load this file into a production database.

-- An SME visits only as a cluster member (S): the demo SME records its cluster and ECCP profile.
INSERT INTO organisations (legal_name, country, kind, city, latitude, longitude, vat_number, iban, status, status_reason, validated_at,
                           cluster_name, cluster_profile_url)
VALUES ('Demo Genomics SRL', 'RO', 'sme', 'Cluj-Napoca', 46.7712, 23.6236, 'RO12345678', 'RO49AAAA1B31007593840000',
        'validated', 'demo organisation', now(), 'Transylvania Lifesciences (demo)',
        'https://clustercollaboration.eu/cluster-organisations/transylvania-lifesciences-demo')
ON CONFLICT (lower(legal_name), country) DO NOTHING;

INSERT INTO users (email, password_hash, name, role, organisation_id)
SELECT v.email, crypt('medic-nest-demo', gen_salt('bf', 10)), v.name, v.role,
       CASE WHEN v.role = 'applicant' THEN (SELECT id FROM organisations WHERE legal_name = 'Demo Genomics SRL') END
FROM (VALUES ('coordinator@medic-nest.example', 'Ioana Coordinator', 'coordinator'),
             ('coordinator2@medic-nest.example', 'Pablo Second-Coordinator', 'coordinator'),
             ('evaluator1@medic-nest.example', 'Eleni Evaluator', 'evaluator'),
             ('evaluator2@medic-nest.example', 'Jan Evaluator', 'evaluator'),
             ('auditor@medic-nest.example', 'Ana Auditor', 'auditor'),
             ('applicant@demo-genomics.example', 'Mihai Applicant', 'applicant')) AS v(email, name, role)
ON CONFLICT (lower(email)) DO NOTHING;
