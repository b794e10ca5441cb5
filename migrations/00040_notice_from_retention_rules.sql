-- +goose Up
-- The day a supplier's last contract ended, remembered when its contracts are destroyed under
-- the rule for contract records: the rule for former suppliers runs from it once the
-- contracts themselves are gone (retention.findFormerSuppliers).
CREATE TABLE supplier_last_contract_ends (
    organisation_id uuid PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    ended_on        date NOT NULL
);
COMMENT ON TABLE supplier_last_contract_ends IS 'the last day a destroyed contract of the supplier ended; the retention clock for former suppliers';

-- The provider notice, rewritten to name what the portal does: what it publishes, the DBS as
-- a source, auditors and the mail processor as recipients, each lawful basis by article, the
-- National Fraud Initiative's basis, the procurement law by date, and a retention section
-- written from the retention rules in force ({retention}).
--
-- A published version is never rewritten: people acknowledged what it said. A fresh install
-- gets this text as its first notice, from the loader in 00007, and this adds nothing. An
-- install in use gets it as the draft of the next version, for the data protection officer to
-- check, date and publish on the notices screen; providers are asked to read it once it is in
-- force. An officer's own draft is never replaced: if there is one, nothing is added and the
-- officer can copy this text from this file into their draft.
-- +goose StatementBegin
DO $migration$
DECLARE
    body text := $notice$
{council_name} commissions care and support for children, young people and families: children's homes, fostering, supported accommodation, education for children with special educational needs and disabilities (SEND), short breaks and youth services. This notice explains what information we hold about the organisations we buy these services from and the people who work for them, why we hold it, who we share it with, how long we keep it and what your rights are.

{council_name} is the data controller for this information. We are registered with the Information Commissioner's Office (ICO) as a data controller, registration number {ico_registration}.

## What we collect

When your organisation registers with the Provider Portal and while we work with you, we collect:

- the name, role, email address and phone number of your key contact and of the other people you give us as contacts
- your organisation's legal and trading names, legal form, registration numbers and business addresses
- your VAT number and bank details, so that we can pay you
- contract information, including the monitoring returns you send us and the findings of quality assurance visits
- health and safety information and your insurance policies and certificates
- your registrations and ratings with Ofsted and the Care Quality Commission (CQC)
- for staff in regulated roles: their name, role, the level and number of their Disclosure and Barring Service (DBS) certificate, its issue date and the result of status checks. We record whether a check was clear, never what a certificate says

When you use the portal we also keep:

- your user account: your name, email address, what you can do in the portal and which versions of this notice you have read
- records of signing in: when, from which IP address and with which browser
- the emails the portal sends you
- an audit trail of who did what and when, with the name of the person, the IP address they signed in from and what they changed

## Where we get it from

Most of this comes from you. We also get information from:

- other teams in the council
- the Disclosure and Barring Service (DBS): the result of checking the status of a member of staff's DBS certificate on the DBS Update Service
- Ofsted and the CQC, including their published inspection judgements
- agencies that have worked with you, and our tender processes

## Why we use it

We use this information to:

- decide which services to buy and from whom, and to get best value
- make and manage contracts, and pay you for the services you deliver
- monitor the quality and outcomes of the services we commission, and visit them
- make sure children are placed with safe, suitable providers
- publish information about the contracts we award, as the law requires
- prevent and detect fraud
- keep the portal secure and show who did what in it

## Our lawful basis

The law allows us to use your information because:

- we need it to carry out our public tasks (UK GDPR article 6(1)(e)): our duties to children and families under the Children Act 1989, the Children and Families Act 2014, the Care Act 2014 and the Children and Social Work Act 2017, and buying services with social value in mind under the Public Services (Social Value) Act 2012
- we must keep and share some of it by law (UK GDPR article 6(1)(c)): financial records, the records of how we awarded and managed contracts, the data we give the National Fraud Initiative, and the records we keep of how we handle your information
- if you are a sole trader, we need it to make and carry out a contract with you (UK GDPR article 6(1)(b))

Contracts we procured on or after 24 February 2025 are governed by the Procurement Act 2023. Contracts we procured before then are governed by the Public Contracts Regulations 2015.

DBS information is criminal offence data. We hold it under UK GDPR article 10 and the Data Protection Act 2018, section 10(5) and schedule 1, part 2, paragraph 18 (safeguarding of children and of individuals at risk). Only officers who need it can see it, and we record every time they do.

You must give us this information if you want to contract with us: without it we cannot make a contract with you or pay you.

## What we publish

We publish information about the contracts we award as open data, in the Open Contracting Data Standard: the contract's title, value and dates, and the supplier's name, its Companies House or charity number and its registered office. We leave out personal data: we never publish the names, email addresses or phone numbers of your staff or contacts, or any DBS information. If you are a sole trader, the name you trade under is published as the supplier's name.

## Who we share it with

We share information only where we need to, with:

- the council's legal and finance teams, to make contracts and to pay you
- the council's internal auditors and our external auditors, who check our accounts and how we award and manage contracts
- the company that sends the portal's emails for us, which processes them only on our instructions
- Ofsted and the CQC, and other local authorities that commission the same services
- regional commissioning frameworks that we buy through
- the police and other authorities where the law requires it

We take part in the National Fraud Initiative (NFI), a data matching exercise run by the Cabinet Office to prevent and detect fraud. The portal discloses trade creditor standing data (such as your organisation's name, address, VAT number and bank details) to the Cabinet Office for the NFI under Part 6 of the Local Audit and Accountability Act 2014. The payment history comes from the council's finance system.

We never sell your information or use it for marketing.

## How long we keep it

{retention}

## Keeping it safe

Only people who need your information for their work can see it. Bank details and DBS certificate numbers are encrypted, and every time a member of staff views them we record it. If there is a breach of security that puts you at risk, we will tell you, and we will tell the ICO within 72 hours where the law requires it.

## Your rights

You have the right to:

- know what we do with your information (this notice)
- ask for a copy of the information we hold about you
- ask us to correct information that is wrong (you can correct most of your organisation's record yourself in the portal)
- ask us to delete or stop using your information in some circumstances
- object to how we use your information

To use any of these rights, contact our Data Protection Officer. We will reply within one month.

## Contact us

Data Protection Officer, {council_name}
{council_address}

Email: {dpo_email}
Phone: {council_phone}

## How to complain

If you are unhappy with how we have used your information, please tell us first. You can also complain to the Information Commissioner's Office (ICO), Wycliffe House, Water Lane, Wilmslow, SK9 5AF, telephone 0303 123 1113, website ico.org.uk.
$notice$;
BEGIN
    body := btrim(body, E'\n');
    IF EXISTS (SELECT 1 FROM privacy_notices WHERE audience = 'provider' AND position('{retention}' IN body_markdown) > 0) THEN
        -- A fresh install, whose first notice (00007) is this text already, or an officer who
        -- has written a notice for the retention rules themselves: nothing to add.
        NULL;
    ELSIF EXISTS (SELECT 1 FROM privacy_notices WHERE audience = 'provider' AND status = 'draft') THEN
        RAISE NOTICE 'The provider privacy notice already has a draft: the revised text of migration 00040 was not added. See the README, Decisions.';
    ELSE
        INSERT INTO privacy_notices (audience, version, title, effective_from, status, body_markdown)
        VALUES ('provider', NULL, 'Privacy notice for care providers', current_date, 'draft', body);
    END IF;
END
$migration$;
-- +goose StatementEnd

-- +goose Down
-- The notice versions stay: a published one is a record of what people were told.
DROP TABLE supplier_last_contract_ends;
