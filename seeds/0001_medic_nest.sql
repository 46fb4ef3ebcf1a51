-- MEDIC-NEST programme, its partner clusters as validated hosts, the lump-sum table and an
-- open ClusterXchange call. Idempotent: running it again changes nothing.

INSERT INTO programmes (code, name, period_start, period_end, cap_cents, target_exchanges)
VALUES ('MEDIC-NEST',
        'MEDIC-NEST: Precision MEDIcine Clusters integrating Digital Technologies for New EcoSystems in HealthCare',
        '2022-02-01', '2024-01-31', 8000000, 80)
ON CONFLICT (code) DO NOTHING;

-- Lump sums per host country for a full exchange. Only Portugal (EUR 780) is sourced from the
-- public ClusterXchange texts; every other value is an ILLUSTRATIVE default derived from the
-- Erasmus+ country groups (group 1: EUR 900, group 2: EUR 780, group 3: EUR 700).
INSERT INTO programme_lump_sums (programme_id, country, amount_cents, sourced, note)
SELECT p.id, v.country, v.amount_cents, v.country = 'PT',
       CASE WHEN v.country = 'PT' THEN 'sourced: ClusterXchange call text'
            ELSE 'illustrative default (Erasmus+ country group)' END
FROM programmes p,
     (VALUES ('AT',90000),('BE',90000),('DE',90000),('DK',90000),('FI',90000),('FR',90000),('IE',90000),
             ('IS',90000),('IT',90000),('LU',90000),('NL',90000),('SE',90000),
             ('CY',78000),('CZ',78000),('EE',78000),('ES',78000),('GR',78000),('MT',78000),('PT',78000),('SI',78000),
             ('AL',70000),('AM',70000),('BA',70000),('BG',70000),('HR',70000),('HU',70000),('LT',70000),('LV',70000),
             ('MD',70000),('ME',70000),('MK',70000),('PL',70000),('RO',70000),('RS',70000),('SK',70000),('TR',70000),
             ('UA',70000),('XK',70000)) AS v(country, amount_cents)
WHERE p.code = 'MEDIC-NEST'
ON CONFLICT (programme_id, country) DO NOTHING;

-- The four founding partners and the four clusters that joined the meta-cluster.
INSERT INTO organisations (legal_name, country, kind, city, latitude, longitude, status, status_reason, validated_at)
VALUES
  ('IMAGO-MOL',                                   'RO', 'cluster', 'Iași',      47.1585,  27.6014, 'validated', 'MEDIC-NEST coordinator', now()),
  ('FHTech / MEDVIA',                             'BE', 'cluster', 'Brussels',  50.8503,   4.3517, 'validated', 'MEDIC-NEST partner', now()),
  ('Hellenic Bio-Cluster HBIO',                   'GR', 'cluster', 'Athens',    37.9838,  23.7275, 'validated', 'MEDIC-NEST partner', now()),
  ('BIOTECYL / SIVI',                             'ES', 'cluster', 'León',      42.5987,  -5.5671, 'validated', 'MEDIC-NEST partner', now()),
  ('Slovenian Innovation Hub',                    'SI', 'cluster', 'Ljubljana', 46.0569,  14.5058, 'validated', 'meta-cluster member', now()),
  ('Basque Health Cluster',                       'ES', 'cluster', 'Bilbao',    43.2630,  -2.9350, 'validated', 'meta-cluster member', now()),
  ('Health and Life Sciences Cluster Bulgaria',   'BG', 'cluster', 'Sofia',     42.6977,  23.3219, 'validated', 'meta-cluster member', now()),
  ('RTD Health Cluster Bosnia',                   'BA', 'cluster', 'Sarajevo',  43.8563,  18.4131, 'validated', 'meta-cluster member', now())
ON CONFLICT (lower(legal_name), country) DO NOTHING;

-- The open call. Its window runs to the end of 2027 so the service can be tried today; the
-- programme period (2022-02-01..2024-01-31) is kept as recorded in the grant agreement.
INSERT INTO calls (programme_id, title, opens_at, closes_at, criteria, overall_minimum_half_points,
                   divergence_limit_half_points, minimum_evaluators)
SELECT p.id, 'ClusterXchange open call', '2022-03-01T00:00:00Z', '2027-12-31T23:59:59Z',
       '[{"key":"relevance","weight_basis_points":4000,"minimum_half_points":6,"description":"Relevance to precision medicine / digital health and to the scheme"},
         {"key":"quality","weight_basis_points":3000,"minimum_half_points":6,"description":"Quality and feasibility of the exchange plan and host match"},
         {"key":"impact","weight_basis_points":3000,"minimum_half_points":5,"description":"Expected impact and follow-up collaboration"}]'::jsonb,
       6, 3, 2
FROM programmes p
WHERE p.code = 'MEDIC-NEST'
  AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.programme_id = p.id AND c.title = 'ClusterXchange open call');
